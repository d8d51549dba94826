import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const lister = path.join(here, 'fixtures/list-loaded-modules.mjs');

/** Every module URL a fresh Node process resolves while importing these built modules. */
async function modulesLoadedBy(...modules: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [lister, ...modules.map((m) => path.join(root, m))],
    { cwd: root },
  );
  return stdout.trim().split('\n');
}

/** The training runtime: TensorFlow.js and the kernels' WebAssembly module. */
const RUNTIME = /@tensorflow|crater-kernels|\.wasm/;

// The API and the aggregator plan sweeps and judge records, and never train: loading the
// training runtime would cost each of them its start-up time and memory for nothing.
describe('the services that do not train', () => {
  it('load neither TensorFlow.js nor the training kernels', async () => {
    const loaded = await modulesLoadedBy(
      'services/api/dist/app.js',
      'services/aggregator/dist/grid-aggregator.js',
      'packages/sweep-spec/dist/index.js',
    );
    expect(loaded.some((url) => url.includes('/services/api/dist/app.js'))).toBe(true);
    expect(loaded.filter((url) => RUNTIME.test(url))).toEqual([]);
  });

  it('would be seen to, had they imported the trainer itself', async () => {
    const loaded = await modulesLoadedBy('packages/trainer/dist/index.js');
    expect(loaded.some((url) => RUNTIME.test(url))).toBe(true);
  });
});
