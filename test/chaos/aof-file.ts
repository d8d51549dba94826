import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** One command of an AOF (RESP arrays of bulk strings): where it starts and ends, its words. */
export interface AofCommand {
  start: number;
  end: number;
  /** The command's name and its first argument (the key, for most). */
  name: string;
  key: string;
}

/** Splits an AOF into its commands; a command cut short at the end is left out. */
export function aofCommands(aof: Buffer): AofCommand[] {
  const commands: AofCommand[] = [];
  let at = 0;
  const line = () => {
    const end = aof.indexOf('\r\n', at);
    if (end < 0) throw new RangeError('cut short');
    const text = aof.toString('latin1', at, end);
    at = end + 2;
    return text;
  };
  try {
    while (at < aof.length) {
      const start = at;
      const count = Number(line().slice(1));
      const words: string[] = [];
      for (let i = 0; i < count; i++) {
        const length = Number(line().slice(1));
        if (at + length + 2 > aof.length) throw new RangeError('cut short');
        if (i < 2) words.push(aof.toString('latin1', at, at + length));
        at += length + 2;
      }
      commands.push({ start, end: at, name: words[0]!.toUpperCase(), key: words[1] ?? '' });
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return commands;
}

/** The offset just after the EXEC of the first transaction that writes `key`. */
export function endOfTransactionWriting(aof: Buffer, key: string): number | null {
  const commands = aofCommands(aof);
  const write = commands.findIndex((c) => c.key === key);
  if (write < 0) return null;
  const exec = commands.findIndex((c, i) => i > write && c.name === 'EXEC');
  return exec < 0 ? null : commands[exec]!.end;
}

/** The AOF file a redis-server with its data in `redisDir` appends to now (Redis 7's manifest). */
export async function incrAofFile(redisDir: string): Promise<string> {
  const dir = path.join(redisDir, 'appendonlydir');
  const manifest = await readFile(path.join(dir, 'appendonly.aof.manifest'), 'utf8');
  const line = manifest.split('\n').find((l) => / type i\b/.test(l));
  return path.join(dir, /^file (\S+)/.exec(line ?? '')![1]!);
}
