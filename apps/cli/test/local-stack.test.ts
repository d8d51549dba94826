import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@seedsweep/redis-server';
import { LocalStack } from '../dist/commands/start.js';
import { parseEnv } from '../dist/env.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedsweep-local-stack-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalStack', () => {
  // `seedsweep bench` starts stack after stack in one process: each must leave no exit
  // listener behind, or Node warns of a leak by the eleventh.
  it('leaves no exit listener behind once stopped, stack after stack', async () => {
    const lines: string[] = [];
    const ctx = {
      env: parseEnv({ CRATER_DATA_DIR: process.env.CRATER_DATA_DIR }),
      out: (line: string) => lines.push(line),
      log: (line: string) => lines.push(line),
      stdout: process.stdout,
      stderr: process.stderr,
      signal: new AbortController().signal,
    };
    const before = process.listenerCount('exit');
    for (let round = 0; round < 2; round++) {
      const stack = await LocalStack.start(ctx, {
        workers: 1,
        port: await freePort(),
        warningsOnly: true,
        ownRedisIn: path.join(dir, `redis-${round}`),
      });
      // One for the redis-server, one for the services: killed should this process exit.
      expect(process.listenerCount('exit')).toBe(before + 2);
      await stack.stop();
      expect(process.listenerCount('exit')).toBe(before);
    }
  });
});
