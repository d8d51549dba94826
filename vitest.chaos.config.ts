import { defineConfig } from 'vitest/config';

/**
 * `pnpm test:chaos`: deployments in processes of their own, killed under load. One file at a
 * time, so the scenarios' timings are not distorted by each other on a small machine.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/vitest-chaos-report.json' },
  },
});
