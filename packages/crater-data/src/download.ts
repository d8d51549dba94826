import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChecksumMismatchError } from './errors/checksum-mismatch-error.js';
import { DownloadError } from './errors/download-error.js';
import { tempSibling } from './atomic-file.js';

const ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 250;

export interface DownloadTarget {
  url: string;
  /** Final path; it exists only once the whole file is there and verified. */
  dest: string;
  /** Name used in errors (the dataset-relative path). */
  file: string;
  sha256: string;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onBytes?: (bytes: number, totalBytes: number | undefined) => void;
}

/** A failed attempt that may succeed if repeated (dropped connection, 5xx, ...). */
class AttemptFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly status?: number,
  ) {
    super('download attempt failed');
  }

  get transient(): boolean {
    const s = this.status;
    return s === undefined || s >= 500 || s === 408 || s === 429;
  }
}

/**
 * Streams `target.url` to a temporary sibling of `target.dest` while hashing it, and renames it
 * into place only if the hash matches. Retries transient failures with exponential backoff.
 * Returns the number of bytes written.
 */
export async function downloadVerified(
  target: DownloadTarget,
  options: DownloadOptions = {},
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const temp = tempSibling(target.dest);
    try {
      const { sha256, bytes } = await fetchToFile(target.url, temp, options);
      if (sha256 !== target.sha256) {
        throw new ChecksumMismatchError(target.file, target.sha256, sha256);
      }
      await rename(temp, target.dest);
      return bytes;
    } catch (err) {
      await rm(temp, { force: true });
      if (options.signal?.aborted) throw options.signal.reason;
      if (!(err instanceof AttemptFailure)) throw err;
      if (!err.transient || attempt === ATTEMPTS) {
        throw new DownloadError(target.url, err.failure, attempt, err.status);
      }
      await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1), undefined, { signal: options.signal });
    }
  }
}

async function fetchToFile(
  url: string,
  dest: string,
  { signal, onBytes }: DownloadOptions,
): Promise<{ sha256: string; bytes: number }> {
  // Opened before the request, so a file-system failure never leaves a response unread.
  const out = await open(dest, 'wx');
  try {
    const response = await fetch(url, { signal }).catch((err: unknown) => {
      throw new AttemptFailure(err);
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new AttemptFailure(new Error(`HTTP ${response.status}`), response.status);
    }
    const length = Number(response.headers.get('content-length'));
    const totalBytes = Number.isSafeInteger(length) && length > 0 ? length : undefined;
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of readChunks(response.body)) {
      hash.update(chunk);
      await out.write(chunk);
      bytes += chunk.length;
      onBytes?.(bytes, totalBytes);
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    await out.close();
  }
}

/** Body chunks, with network errors (not file-system ones) marked as attempt failures. */
async function* readChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const next = await reader.read().catch((err: unknown) => {
        throw new AttemptFailure(err);
      });
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Frees the connection when the consumer stops early (e.g. a failed disk write).
    await reader.cancel().catch(() => undefined);
  }
}
