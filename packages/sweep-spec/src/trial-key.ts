import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { TrialSpec } from './sweep-plan.js';

/**
 * The content key of a trial: SHA-256 hex of its spec's canonical JSON. Stored results are
 * found by it, so anything that changes it for the same run orphans every stored result.
 */
export function trialKey(spec: TrialSpec): string {
  return sha256(canonicalJson(spec));
}

const SEED_MARKER = '\u0000seed\u0000';
const MARKER_JSON = canonicalJson(SEED_MARKER);

/**
 * trialKey for a series of specs that differ only in `train.seed`. The template is serialised
 * once with a marker in the seed's place and each seed's JSON spliced in: the same text
 * canonicalJson would give, since a number's canonical form is its JSON, without serialising
 * the whole spec for every trial (the bulk of the cost of planning a large sweep).
 */
export function trialKeysBySeed(template: TrialSpec): (seed: number) => string {
  const text = canonicalJson({ ...template, train: { ...template.train, seed: SEED_MARKER } });
  const at = text.indexOf(MARKER_JSON);
  if (at === -1 || text.lastIndexOf(MARKER_JSON) !== at) {
    // The marker also occurs elsewhere (say in trainerVersion): splicing would be ambiguous.
    return (seed) => trialKey({ ...template, train: { ...template.train, seed } });
  }
  const head = text.slice(0, at);
  const tail = text.slice(at + MARKER_JSON.length);
  return (seed) => sha256(head + canonicalJson(seed) + tail);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
