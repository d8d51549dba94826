import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ProcessMemory } from '../src/process-memory.js';
import { median } from '../src/torch-peer.js';

describe.runIf(process.platform === 'linux')('ProcessMemory', () => {
  it("records a process's peak RSS as a service's and its children's as trials'", async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)']);
    await once(child, 'spawn');
    try {
      const memory = new ProcessMemory();
      expect(memory.peak('service')).toBeNull();
      await memory.sample([process.pid]);
      expect(memory.peak('service')).toBeGreaterThan(0);
      expect(memory.peak('trial')).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
