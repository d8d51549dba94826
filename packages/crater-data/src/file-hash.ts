import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isNotFound } from './atomic-file.js';

interface Hashed {
  size: number;
  mtimeMs: number;
  sha256: string;
}

// Workers resolve the dataset before every load; hashing 17 MB each time would be wasted work,
// and a file that changed on disk changes its size or mtime, which invalidates the entry.
const memo = new Map<string, Hashed>();

/** SHA-256 hex of a file, or undefined when it does not exist. Memoised per process. */
export async function hashFile(file: string): Promise<string | undefined> {
  const key = path.resolve(file);
  let info;
  try {
    info = await stat(key);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const hit = memo.get(key);
  if (hit && hit.size === info.size && hit.mtimeMs === info.mtimeMs) return hit.sha256;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(key)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  memo.set(key, { size: info.size, mtimeMs: info.mtimeMs, sha256 });
  return sha256;
}
