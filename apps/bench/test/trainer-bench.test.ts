import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '@seedsweep/command-line';
import type { BenchContext } from '../src/context.js';
import { forwardMacs, runTrainerBenchmark, trainingFlopsPerExample } from '../src/trainer-bench.js';

let cacheRoot: string;

beforeAll(async () => {
  cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-bench-trainer-'));
});
afterAll(async () => {
  await rm(cacheRoot, { recursive: true, force: true });
});

function context(lines: string[] = []): BenchContext {
  return {
    settings: {
      dataDir: process.env.CRATER_DATA_DIR,
      cacheRoot,
      engine: 'auto',
    },
    log: (line) => lines.push(line),
    signal: new AbortController().signal,
  };
}

describe('the crater CNN cost', () => {
  it("counts a 15-pixel example's multiply-adds layer by layer", () => {
    // conv 4x4 to 12x12x20, conv 4x4 to 9x9x20, dense 1620 to 500, dense 500 to 2.
    expect(forwardMacs(15)).toBe(144 * 16 * 20 + 81 * 320 * 20 + 1620 * 500 + 500 * 2);
    expect(trainingFlopsPerExample(15)).toBe(6 * forwardMacs(15));
  });
});

describe('runTrainerBenchmark', () => {
  it('refuses rounds or epochs below 1, and engines it does not know, before any work', async () => {
    await expect(runTrainerBenchmark({ epochs: 0 }, context())).rejects.toThrow(UsageError);
    await expect(runTrainerBenchmark({ rounds: 0 }, context())).rejects.toThrow(
      '--epochs and --rounds must be at least 1',
    );
    await expect(runTrainerBenchmark({ engines: ['wasm:avx2'] }, context())).rejects.toThrow(
      /--engines: 'wasm:avx2' is not one of native, wasm, tfjs/,
    );
  });

  it('returns the report of its --json: seconds per epoch of each round, without the peer', async () => {
    const lines: string[] = [];
    const report = await runTrainerBenchmark(
      { engines: ['wasm'], rounds: 2, epochs: 1, torch: false },
      context(lines),
    );
    expect(report).toMatchObject({
      benchmark: 'trainer',
      region: 'West',
      examples: 1253,
      batchSize: 32,
      rounds: 2,
      epochsPerRound: 1,
      flopsPerExample: trainingFlopsPerExample(15),
      torchSkipped: 'skipped (--no-torch)',
    });
    expect(report.torch).toBeUndefined();
    const [wasm] = report.engines;
    expect(report.engines).toHaveLength(1);
    expect(wasm).toMatchObject({ engine: 'wasm', codePath: 'wasm-simd128', ratioToTorch: null });
    // One measured epoch a round, the warm-up left out.
    expect(wasm!.epochSeconds).toHaveLength(2);
    expect(wasm!.fastestEpochSeconds).toBe(Math.min(...wasm!.epochSeconds));
    expect(lines.some((line) => line.startsWith('bench trainer: West, 1253 examples'))).toBe(true);
  });
});
