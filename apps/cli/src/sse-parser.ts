/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field; `message` when the server sent none. */
  type: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  /** The last `id:` seen on the stream so far (it carries over, as in the spec). */
  lastEventId: string;
}

/**
 * An incremental text/event-stream parser (WHATWG HTML, "Parsing an event stream"). Chunks may
 * be cut anywhere: inside a UTF-8 sequence, a field, a CRLF. Bytes are decoded here, not by the
 * caller, so a split multi-byte character is not mangled.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** The previous chunk ended with CR: an LF at the start of the next one belongs to it. */
  private afterCr = false;
  private started = false;
  private type = '';
  private data: string[] = [];
  private lastEventId = '';
  /** The server's `retry:` in milliseconds, if it sent one. */
  retryMs: number | undefined;

  /** Feeds a chunk; returns the events it completes, in order. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    if (this.afterCr && text.startsWith('\n')) text = text.slice(1);
    if (text.length > 0) this.afterCr = false;
    this.buffer += text;

    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = nextLineBreak(this.buffer, start);
      if (end === -1) break;
      const event = this.line(this.buffer.slice(start, end));
      if (event) events.push(event);
      if (this.buffer[end] === '\r') {
        if (end + 1 === this.buffer.length) {
          this.afterCr = true;
          start = end + 1;
          break;
        }
        start = this.buffer[end + 1] === '\n' ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null; // a comment: the server's keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default: // unknown fields are ignored, as the spec says
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    const type = this.type || 'message';
    const data = this.data;
    this.type = '';
    this.data = [];
    // An event without data lines is not dispatched (spec); `data:` alone is empty data.
    if (data.length === 0) return null;
    return { type, data: data.join('\n'), lastEventId: this.lastEventId };
  }
}

function nextLineBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
