// The benchmarks as functions: each takes the flags of `seedsweep bench <name>` as options and
// returns the report that `--json` prints. A mistake in the options is a UsageError naming its
// flag. The command line itself (help, flags, text output) is `@seedsweep/bench/commands`.
export type {
  BenchContext,
  BenchSettings,
  Deployment,
  DeploymentRequest,
  StartDeployment,
} from './context.js';
export {
  runTrainerBenchmark,
  type TrainerBenchOptions,
  type TrainerBenchReport,
  type EngineRow,
  type Timing,
} from './trainer-bench.js';
export {
  runEnginesBenchmark,
  type EnginesBenchOptions,
  type EnginesBenchReport,
  type EngineSummary,
  type SeedRow,
} from './engines-bench.js';
export {
  runWorkersBenchmark,
  type WorkersBenchOptions,
  type WorkersBenchReport,
  type WorkersRun,
} from './workers-bench.js';
export {
  runSweepBenchmark,
  type SweepBenchOptions,
  type SweepBenchReport,
  type Tally,
  type Verified,
} from './sweep-bench.js';
export { runApiBenchmark, type ApiBenchOptions, type ApiBenchReport } from './api-bench.js';
export {
  runFairnessBenchmark,
  type FairnessBenchOptions,
  type FairnessBenchReport,
  type KeysRun,
  type LateSweepRun,
  type QueueOrder,
} from './fairness-bench.js';
