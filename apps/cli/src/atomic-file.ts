import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes chunks to a temporary file beside `file` and renames it into place at the end, so an
 * interrupted or failed write never leaves a half file under the real name (and never
 * truncates an earlier complete one). Returns the bytes written.
 */
export async function writeFileAtomically(
  file: string,
  chunks: AsyncIterable<Uint8Array | string>,
): Promise<number> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomUUID().slice(0, 8)}.part`,
  );
  const stream = createWriteStream(temp, { flags: 'wx' });
  try {
    await once(stream, 'open');
    for await (const chunk of chunks) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
    await rename(temp, file);
    return stream.bytesWritten;
  } catch (error) {
    stream.destroy();
    await rm(temp, { force: true });
    // A file system's error names the temporary file; the user knows the one they asked for.
    const { syscall, code } = (error ?? {}) as NodeJS.ErrnoException;
    if (syscall) throw new OutputFileError(`cannot write '${file}': ${code ?? syscall}`);
    throw error;
  }
}

/** The output file cannot be created or written (no such directory, no permission, disk full). */
export class OutputFileError extends Error {
  readonly code = 'OUTPUT_FILE';
}
