import { randomBytes } from 'node:crypto';
import { rm, writeFile, rename } from 'node:fs/promises';

/** Suffix of in-progress files; never a name a reader looks for. */
export const PART_SUFFIX = '.part';

/** A unique sibling of `finalPath`, so concurrent writers never share a temporary file. */
export function tempSibling(finalPath: string): string {
  return `${finalPath}.${randomBytes(6).toString('hex')}${PART_SUFFIX}`;
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Writes via a temporary sibling and a rename, so readers see the old file or the whole new one. */
export async function writeFileAtomic(finalPath: string, data: Uint8Array): Promise<void> {
  const temp = tempSibling(finalPath);
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, finalPath);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
