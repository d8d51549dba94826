export interface ServerEvent {
  event: string;
  data: unknown;
}

/**
 * Reads a server-sent event stream until `until` says stop (or the server ends it), and returns
 * every event seen. Tests wait on these events instead of sleeping.
 */
export async function readEvents(
  url: string,
  until: (event: ServerEvent, seen: ServerEvent[]) => boolean,
  onEvent?: (event: ServerEvent) => void | Promise<void>,
): Promise<ServerEvent[]> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const seen: ServerEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseBlock(block);
        if (!event) continue;
        seen.push(event);
        await onEvent?.(event);
        if (until(event, seen)) return seen;
      }
    }
    return seen;
  } finally {
    controller.abort();
  }
}

function parseBlock(block: string): ServerEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return data.length === 0 ? null : { event, data: JSON.parse(data.join('\n')) };
}
