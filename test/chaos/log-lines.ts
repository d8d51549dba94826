import { readFile } from 'node:fs/promises';

/** One pino line of a service's log (JSON); lines that are not JSON are skipped. */
export interface LogLine {
  time: number;
  msg: string;
  name?: string;
  worker?: string;
  jobId?: string;
  key?: string;
  [field: string]: unknown;
}

export async function readLogLines(files: string[]): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // A line cut short by SIGKILL.
      }
    }
  }
  return lines.sort((a, b) => a.time - b.time);
}
