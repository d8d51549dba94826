import { describe, expect, it } from 'vitest';
import { sharesWithin, spanOf, trainingWithin } from '../src/training-spans.js';

const at = (seconds: number) => Date.parse('2026-01-01T00:00:00.000Z') + seconds * 1000;
/** A trial that trained from `from` to `to` seconds, as its result says. */
const trained = (from: number, to: number) =>
  spanOf({ finishedAt: new Date(at(to)).toISOString(), durationMs: (to - from) * 1000 });

describe('training spans', () => {
  it('ends a span at the result and starts it its duration before', () => {
    expect(trained(2, 5)).toEqual({ start: at(2), end: at(5) });
  });

  it('counts the part of each span within the interval', () => {
    const spans = [trained(0, 4), trained(3, 6), trained(8, 9), trained(10, 12)];
    // 2-4 of the first, all of the second, all of the third, none of the fourth.
    expect(trainingWithin(spans, at(2), at(10))).toBe((2 + 3 + 1) * 1000);
  });

  it("gives each group's share of all the groups' training in the interval", () => {
    const shares = sharesWithin(
      new Map([
        ['a', [trained(0, 2), trained(2, 4)]],
        ['b', [trained(0, 2)]],
        ['idle', []],
      ]),
      at(0),
      at(4),
    );
    expect(shares.get('a')).toEqual({ seconds: 4, share: 4 / 6 });
    expect(shares.get('b')).toEqual({ seconds: 2, share: 2 / 6 });
    expect(shares.get('idle')).toEqual({ seconds: 0, share: 0 });
    expect(sharesWithin(new Map([['a', [trained(0, 1)]]]), at(5), at(6)).get('a')).toEqual({
      seconds: 0,
      share: 0,
    });
  });
});
