import { describe, expect, it } from 'vitest';
import type { SweepRecord, TrialState } from '@seedsweep/store';
import { sweepStatus } from '../src/sweep-status.js';

const sweep = (overrides: Partial<SweepRecord> = {}): SweepRecord => ({
  id: 'sw-1-0000000000',
  name: 's',
  createdAt: '2026-01-01T00:00:00Z',
  definition: {} as SweepRecord['definition'],
  trainerVersion: '1',
  trials: 4,
  reused: 0,
  enqueued: 4,
  lifecycle: 'active',
  cancelledAt: null,
  submitted: true,
  ...overrides,
});
const keys = ['a', 'b', 'c', 'd'];
const done = (durationMs: number): TrialState => ({
  summary: { testAccuracy: 0.9, diverged: false, majorityRate: 0.6, durationMs },
  failure: null,
});
const pending: TrialState = { summary: null, failure: null };
const failed: TrialState = {
  summary: null,
  failure: { key: 'x', message: 'm', code: null, attempts: 3, worker: 'w', failedAt: '' },
};

describe('sweepStatus', () => {
  it('counts per state and estimates the rest from measured durations and parallelism', () => {
    const status = sweepStatus(
      sweep(),
      keys,
      [done(10_000), done(20_000), pending, pending],
      [{ key: 'c', label: 'c', epoch: 3, epochs: 10 }],
    );
    expect(status.state).toBe('running');
    expect(status.counts).toEqual({ queued: 1, running: 1, done: 2, failed: 0, cancelled: 0 });
    expect(status.meanTrialSeconds).toBe(15);
    expect(status.etaSeconds).toBe(30); // two left x 15 s, one running at a time
    expect(status.derived).toBe(0);
  });

  it("gives the sweep's share of the running trials, its priority and its place", () => {
    const running = [{ key: 'c', label: 'c', epoch: 3, epochs: 10 }];
    const states = [done(1), pending, pending, pending];
    const high = sweep({ definition: { priority: 'high' } as SweepRecord['definition'] });
    expect(sweepStatus(high, keys, states, running, { runningAll: 3, ahead: 7 }).fairShare).toEqual(
      { priority: 'high', running: 1, runningAll: 3, share: 0.333, ahead: 7 },
    );
    // Stored before priorities: normal. Nothing running anywhere: no share.
    expect(sweepStatus(sweep(), keys, [pending, pending, pending, pending], []).fairShare).toEqual({
      priority: 'normal',
      running: 0,
      runningAll: 0,
      share: null,
      ahead: null,
    });
  });

  it("counts the done trials whose result is their baseline's", () => {
    const derived: TrialState = { summary: { ...done(0).summary!, derived: true }, failure: null };
    expect(sweepStatus(sweep(), keys, [done(1), derived, derived, pending], []).derived).toBe(2);
  });

  it('has no ETA before a trial has finished', () => {
    expect(
      sweepStatus(sweep(), keys, [pending, pending, pending, pending], []).etaSeconds,
    ).toBeNull();
    expect(sweepStatus(sweep(), keys, [pending, pending, pending, pending], []).state).toBe(
      'queued',
    );
  });

  it('is failed when what is not done failed for good, cancelled once cancelled, done when all are done', () => {
    expect(sweepStatus(sweep(), keys, [done(1), done(1), failed, failed], []).state).toBe('failed');
    const cancelled = sweepStatus(
      sweep({ lifecycle: 'cancelled' }),
      keys,
      [done(1), pending, pending, pending],
      [],
    );
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.counts).toMatchObject({ done: 1, cancelled: 3, queued: 0 });
    const allDone = [done(1), done(1), done(1), done(1)];
    expect(sweepStatus(sweep({ lifecycle: 'cancelled' }), keys, allDone, []).state).toBe('done');
  });

  it('groups failures by class, code and reason, the largest group first', () => {
    const own: TrialState = {
      summary: null,
      failure: {
        key: 'y',
        message: 'invalid training configuration:\n epochs: too big',
        code: 'INVALID_TRAIN_CONFIG',
        attempts: 1,
        worker: 'w',
        failedAt: '',
      },
    };
    // Failures recorded before classes: classified by code, the message as the reason.
    const status = sweepStatus(sweep(), keys, [own, failed, failed, done(1)], []);
    expect(status.failures).toEqual([
      { failureClass: 'environment', code: null, reason: 'm', fix: null, count: 2 },
      {
        failureClass: 'trial',
        code: 'INVALID_TRAIN_CONFIG',
        reason: 'invalid training configuration: epochs: too big',
        fix: expect.stringContaining("'seedsweep retry <id>'"),
        count: 1,
      },
    ]);
  });
});
