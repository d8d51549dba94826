import type { SweepLinks } from './sweep-status.js';

/** `POST /v1/sweeps`: 201 when created, 200 when an Idempotency-Key replays it. */
export interface SubmitResponse {
  id: string;
  name: string;
  /** Unique trials of the sweep. */
  trials: number;
  /** Trials not enqueued by this request: already done, or already queued for another sweep. */
  reused: number;
  reusedResults: number;
  alreadyQueued: number;
  enqueued: number;
  createdAt: string;
  links: SweepLinks;
}
