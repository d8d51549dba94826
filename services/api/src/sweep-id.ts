import { randomBytes } from 'node:crypto';

/** Sortable by creation time (base-36 milliseconds) and unguessable enough to share in a URL. */
export function newSweepId(now = Date.now()): string {
  return `sw-${now.toString(36)}-${randomBytes(5).toString('hex')}`;
}

export const SWEEP_ID_PATTERN = /^sw-[0-9a-z]+-[0-9a-f]{10}$/;
