import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SweepStatus } from '../src/api-types.js';
import { createWatchDisplay } from '../src/watch-display.js';

/** A stream that keeps what is written; `isTTY` picks the display. */
function capture(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 200 });
  return { stream, text: () => chunks.join('') };
}

function status(fields: Partial<SweepStatus>): SweepStatus {
  return {
    id: 'sw-mi2x7k1c-3f9a0b12cd',
    name: 'tiny',
    createdAt: '2026-11-26T22:40:12.345Z',
    cancelledAt: null,
    state: 'running',
    trials: 4,
    reused: 0,
    enqueued: 4,
    counts: { queued: 3, running: 1, done: 0, failed: 0, cancelled: 0 },
    meanTrialSeconds: null,
    etaSeconds: null,
    running: [{ key: 'k1', label: 'East seed 0 baseline', epoch: null, epochs: null }],
    ...fields,
  };
}

describe('the watch display', () => {
  it('writes one line per finished trial without a terminal', () => {
    const { stream, text } = capture(false);
    const display = createWatchDisplay(stream);
    display.status(status({}));
    display.progress({ key: 'k1', epoch: 1, epochs: 2, trainLoss: 0.5, reinitializations: {} });
    display.trial({
      key: 'k1',
      label: 'East seed 0 baseline',
      state: 'done',
      testAccuracy: 0.9123,
    });
    display.trial({ key: 'k2', label: 'East seed 0 tau=1e-8 P=60%', state: 'failed' });
    display.status(status({ counts: { queued: 1, running: 1, done: 1, failed: 1, cancelled: 0 } }));
    display.trial({
      key: 'k3',
      label: 'East seed 1 baseline',
      state: 'done',
      testAccuracy: 0.5,
      diverged: true,
    });
    display.reconnecting('the server closed the stream', 2000);
    display.stop();
    expect(text().split('\n')).toEqual([
      'watching sweep sw-mi2x7k1c-3f9a0b12cd "tiny": running, 0/4 trials finished',
      '[1/4] East seed 0 baseline: 91.2%',
      '[2/4] East seed 0 tau=1e-8 P=60%: failed',
      '[3/4] East seed 1 baseline: 50.0% (diverged)',
      'event stream lost (the server closed the stream); reconnecting in 2s',
      '',
    ]);
  });

  it("draws a bar on a terminal with done/trials, the state and the server's ETA", () => {
    const { stream, text } = capture(true);
    const display = createWatchDisplay(stream);
    display.status(
      status({
        counts: { queued: 1, running: 1, done: 2, failed: 0, cancelled: 0 },
        etaSeconds: 125,
      }),
    );
    display.progress({ key: 'k1', epoch: 3, epochs: 5, trainLoss: 0.4, reinitializations: {} });
    display.stop();
    const shown = text();
    expect(shown).toMatch(
      /tiny \[[^\]]+\] 2\/4 running \| eta 2m 05s \| East seed 0 baseline: epoch 3\/5/,
    );
  });
});
