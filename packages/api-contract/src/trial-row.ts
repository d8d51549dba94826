/** One trial of `GET /v1/sweeps/:id/trials` (a CSV row has the same columns). */
export interface TrialRow {
  key: string;
  label: string;
  region: string;
  seed: number;
  baseline: boolean;
  tau: number | null;
  activePercent: number | null;
  cgn: string | null;
  checkEvery: string | null;
  minTrainLoss: number | null;
  epochs: number;
  learningRate: number;
  batchSize: number;
  dataSeed: number;
  state: 'done' | 'failed' | 'pending';
  testAccuracy: number | null;
  majorityRate: number | null;
  diverged: boolean | null;
  epochsRun: number | null;
  reinitializations: number | null;
  durationMs: number | null;
  backend: string | null;
  weightsHash: string | null;
  worker: string | null;
  finishedAt: string | null;
  failure: string | null;
}

export interface TrialPage {
  sweepId: string;
  total: number;
  offset: number;
  limit: number;
  trials: TrialRow[];
}
