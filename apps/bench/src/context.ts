import type { Progress } from '@seedsweep/command-line';
import type { KernelsEngineChoice } from '@seedsweep/trainer/config';

/** Where the benchmarks find the dataset and which engine they use: the CLI's environment. */
export interface BenchSettings {
  /** CRATER_DATA_DIR: a local copy of the dataset; unset, the pinned download into the cache. */
  dataDir?: string | undefined;
  /** CRATER_DATA_URL: a mirror of the pinned download. */
  dataUrl?: string | undefined;
  /** SEEDSWEEP_CACHE_DIR: downloads and prepared tensors (a deployment's workers use it too). */
  cacheRoot: string;
  /** SEEDSWEEP_ENGINE: what `bench sweep` trains its sample again on. */
  engine: KernelsEngineChoice;
  /** SEEDSWEEP_TORCH_PYTHON: the interpreter with torch of the PyTorch peer. */
  torchPython?: string | undefined;
}

/**
 * Redis, the API, the aggregator and workers of a benchmark's own, started by whoever runs the
 * benchmark (the CLI runs them as `seedsweep start` does, in child processes).
 */
export interface Deployment {
  readonly apiUrl: string;
  readonly redisUrl: string;
  /** The worker processes' pids; their trial processes are their children. */
  workerPids(): number[];
  stop(): Promise<void>;
}

export interface DeploymentRequest {
  /** Worker processes. */
  workers: number;
  /** A temporary directory of the benchmark's own, for Redis's data: not the user's Redis. */
  dir: string;
  /** For every service, on top of the environment. */
  env: Record<string, string>;
  /** The services' warnings and errors. */
  log: (line: string) => void;
  /**
   * Read-write keys the API takes (AUTH on), for a benchmark of several users; without them the
   * API takes none (AUTH=off).
   */
  apiKeys?: readonly string[];
}

export type StartDeployment = (request: DeploymentRequest) => Promise<Deployment>;

/** What every benchmark runs with. Its report is what it returns. */
export interface BenchContext {
  settings: BenchSettings;
  /** Commentary on the way (the CLI's stderr). */
  log: (line: string) => void;
  /** Progress of a long step; without it, none is shown. */
  progress?: (label: string, total: number) => Progress;
  /** Stops a benchmark midway. */
  signal: AbortSignal;
  /** Needed by the workers, sweep and api benchmarks, which measure a deployment. */
  startDeployment?: StartDeployment;
}

export function progressOf(ctx: BenchContext, label: string, total: number): Progress {
  return ctx.progress ? ctx.progress(label, total) : { update() {}, stop() {} };
}
