#!/usr/bin/env node
// Builds the native engine (binding.gyp, native/*.c) with node-gyp. Optional, like
// tfjs-node's addon was: where there is no C compiler (or node-gyp cannot find Node's headers),
// it says so on one line and exits 0, and the trainer runs its WebAssembly kernels, which give
// the same bits more slowly. SEEDSWEEP_REQUIRE_NATIVE=1 makes a failure fatal (the Docker image
// sets it: the image always has the addon).
//
// Runs as the package's install script (pnpm install) and from `pnpm build`; make rebuilds only
// what changed.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.SEEDSWEEP_REQUIRE_NATIVE === '1';

function nodeGyp() {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // Before the package's own dependencies are linked: the copy npm ships.
    const npmCopy = path.join(
      path.dirname(process.execPath),
      '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    );
    return existsSync(npmCopy) ? npmCopy : null;
  }
}

/** Node's own headers where the installation has them: no download needed. */
function nodeDir() {
  const candidates = [
    process.config.variables.node_prefix,
    path.resolve(path.dirname(process.execPath), '..'),
    '/usr',
  ];
  return (
    candidates.find((dir) => dir && existsSync(path.join(dir, 'include/node/node_api.h'))) ?? null
  );
}

function fail(reason) {
  // A build left over from older sources must not run in this one's place.
  rmSync(path.join(root, 'build/Release/crater_kernels.node'), { force: true });
  const message = `native engine not built (${reason}): training uses the WebAssembly kernels, the same results more slowly`;
  if (required) {
    console.error(`error: ${message}`);
    process.exit(1);
  }
  console.warn(`warning: ${message}`);
  process.exit(0);
}

const gyp = nodeGyp();
if (!gyp) fail('node-gyp not found');
const dir = nodeDir();
const configured = existsSync(path.join(root, 'build/Makefile'));
const args = [
  gyp,
  configured ? 'build' : 'rebuild',
  ...(dir ? [`--nodedir=${dir}`] : []),
  '--loglevel=error',
];
const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
if (run.error || run.status !== 0) {
  const output = `${run.stderr ?? ''}${run.stdout ?? ''}`;
  const lines = output.split('\n');
  const firstError =
    lines
      .find((line) => /stack Error:|error:|not found|No such/i.test(line))
      ?.replace(/^gyp ERR! (stack )?/, '')
      .trim() ??
    run.error?.message ??
    `node-gyp exited with ${run.status}`;
  if (process.env.SEEDSWEEP_NATIVE_DEBUG) console.error(output);
  fail(firstError.slice(0, 200));
}
console.log('native engine built: packages/trainer/build/Release/crater_kernels.node');
