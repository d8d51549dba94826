import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The first interpreter that can import torch: explicit, then Debian's, then the PATH's. */
export async function findTorchPython(explicit: string | undefined): Promise<string | null> {
  const candidates = explicit ? [explicit] : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import torch'], { timeout: 60_000 });
      return python;
    } catch {
      // Not this one: no such interpreter, or no torch for it.
    }
  }
  return null;
}

export interface TorchMeasurement {
  python: string;
  torchVersion: string;
  /**
   * The BLAS library torch's matrix products loaded: Debian's python3-torch runs 6-8x slower on
   * the reference BLAS than on OpenBLAS (libopenblas0-pthread), so a fair peer names it.
   */
  blas: string;
  secondsPerEpoch: number;
  epochSeconds: number[];
}

/**
 * Runs the PyTorch peer script (one thread) and takes the median of its epochs after the
 * first, which pays for allocation and warm-up like ours does.
 */
export async function measureTorch(
  python: string,
  script: string,
  examples: number,
  batchSize: number,
): Promise<TorchMeasurement> {
  if (!existsSync(script)) throw new Error(`PyTorch peer script not found at ${script}`);
  const { stdout } = await run(python, [script, String(examples), String(batchSize), '1'], {
    timeout: 600_000,
  });
  const epochSeconds = [...stdout.matchAll(/^epoch_s ([0-9.]+)$/gm)].map((m) => Number(m[1]));
  if (epochSeconds.length < 2)
    throw new Error(`unexpected output from ${script}: ${stdout.trim()}`);
  const { stdout: version } = await run(python, ['-c', 'import torch; print(torch.__version__)']);
  const { stdout: blas } = await run(python, ['-c', BLAS_PROBE]);
  return {
    python,
    torchVersion: version.trim(),
    blas: blas.trim() || 'unknown',
    secondsPerEpoch: median(epochSeconds.slice(1)),
    epochSeconds,
  };
}

/** Prints the BLAS (or MKL) library a matrix product made torch load, from /proc/self/maps. */
const BLAS_PROBE = [
  'import torch',
  'torch.mm(torch.ones(64, 64), torch.ones(64, 64))',
  "libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower() or 'mkl' in l.lower()})",
  "print(next((l for l in libs if 'openblas' in l or 'mkl' in l), libs[0] if libs else ''))",
].join('\n');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
