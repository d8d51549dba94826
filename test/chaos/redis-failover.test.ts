import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectNothingLostOrDoubled,
  figuresOf,
  shortSweep,
  type SubmitBody,
} from './chaos-checks.js';
import { ChaosCluster, type RedisFailover } from './chaos-cluster.js';
import { chaosTable, writeChaosReport, type ChaosFigures } from './chaos-report.js';
import { readLogLines } from './log-lines.js';

/**
 * Redis behind Sentinel: a primary with AOF, one replica, three sentinels (quorum 2). Mid-sweep
 * the replication link is cut, the primary acknowledges writes for two seconds that the replica
 * never receives (what asynchronous replication loses when a primary dies under a lag or a
 * partition), then the primary is SIGKILLed. The sentinels promote the replica; every service
 * must follow it without a restart, and the sweep must end with every result once.
 */
const figures: ChaosFigures[] = [];

afterAll(async () => {
  if (figures.length === 0) return;
  console.log(`\nchaos figures\n${chaosTable(figures)}\n`);
  await writeChaosReport(figures, path.resolve('.cache/chaos-report.json'));
});

/** Writes the primary acknowledges after replication is cut, before it dies. */
const UNREPLICATED_MS = 2_000;

describe.sequential('chaos behind Sentinel', () => {
  it('the primary SIGKILLed mid-sweep with writes its replica never got: the replica is promoted, the services follow it, every result once', async () => {
    const startedAt = Date.now();
    const cluster = await ChaosCluster.start({ workers: 2, aggregators: 2, sentinel: true });
    try {
      const { status: posted, body: sweep } = await cluster.request<SubmitBody>(
        'POST',
        '/v1/sweeps',
        shortSweep('failover', { from: 400, to: 439 }),
      );
      expect(posted).toBe(201);
      expect(sweep.trials).toBe(200);
      let failover: RedisFailover | undefined;
      const status = await cluster.untilSweepEnds(sweep.id, 180_000, async (s) => {
        if (!failover && s.counts.done >= s.trials / 3) {
          failover = await cluster.failOverRedis([sweep.id], UNREPLICATED_MS);
        }
      });
      expect(failover).toBeDefined();
      const row = await figuresOf(cluster, 'Redis failover (Sentinel)', [sweep], [], 0, startedAt);
      figures.push(row);
      const f = failover!;
      // The first trial completed after the kill was completed on the new primary.
      const resumed = (await readLogLines(cluster.workerLogs())).find(
        (l) => l.msg === 'trial finished' && l.time > f.killedAt,
      );
      console.log(
        `failover: replica promoted ${f.promotionSeconds.toFixed(1)} s after the kill, first ` +
          `trial completed on it after ${((resumed!.time - f.killedAt) / 1000).toFixed(1)} s; ` +
          `replication offset ${f.primaryOffset} on the old primary, ${f.replicaOffset} on the ` +
          `replica: ${f.primaryOffset - f.replicaOffset} bytes, ${f.writesForgotten} commands ` +
          `and ${f.resultsForgotten} results acknowledged and forgotten`,
      );

      expect(row.failovers).toBe(1);
      // The window was real: acknowledged writes, results among them, the replica never had.
      expect(f.primaryOffset).toBeGreaterThan(f.replicaOffset);
      expect(f.writesForgotten).toBeGreaterThan(0);
      expect(f.resultsForgotten).toBeGreaterThan(0);
      expect(row.resultsForgotten).toBe(f.resultsForgotten);
      // Every service followed the new primary on its own: none exited, none was restarted.
      for (const service of [cluster.api, ...cluster.aggregators, ...cluster.workers]) {
        expect(service.running, service.name).toBe(true);
      }
      expect(cluster.workerHistory).toHaveLength(2);
      expect(cluster.aggregatorHistory).toHaveLength(2);
      await expectNothingLostOrDoubled(cluster, [{ sweep, status }], row);
    } finally {
      await cluster.stop();
    }
  });
});
