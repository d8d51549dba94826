import { trainConfigSchema } from '@seedsweep/trainer/config';
import { z } from 'zod';
import { describeType, fail, forward, parseList } from './value-lists.js';
import { PARSE_PARAMS } from './zod-issues.js';

/** Inclusive range of model seeds. Kept as a range until planning: it may be huge. */
export interface SeedRange {
  from: number;
  to: number;
}

export type Seeds = number[] | SeedRange;

// The trainer's own rule for a model seed, so a sweep never plans a seed the trainer refuses.
const seed = trainConfigSchema.shape.seed;

const seedRange = z
  .object({ from: seed, to: seed })
  .strict()
  .refine((r) => r.from <= r.to, { path: ['to'], message: 'must be >= from' });

/** `seeds`: a non-empty list of distinct seeds, or an inclusive range `{from, to}`. */
export const seedsSchema = z.unknown().transform((value, ctx): Seeds => {
  if (Array.isArray(value)) return parseList(seed, value, ctx);
  if (value === undefined) return fail(ctx, 'required');
  if (value === null || typeof value !== 'object') {
    return fail(ctx, `expected a list of seeds or a range {from, to}, got ${describeType(value)}`);
  }
  const parsed = seedRange.safeParse(value, PARSE_PARAMS);
  if (!parsed.success) return forward(ctx, parsed.error.issues);
  // -0 is a valid seed by the schema; 0 is what it means.
  return { from: parsed.data.from + 0, to: parsed.data.to + 0 };
});

/** Arithmetic only: a range is never materialised just to be counted. */
export function seedCount(seeds: Seeds): number {
  return Array.isArray(seeds) ? seeds.length : seeds.to - seeds.from + 1;
}

/** The seeds in sweep order: a list as written, a range ascending. */
export function seedValues(seeds: Seeds): number[] {
  if (Array.isArray(seeds)) return [...seeds];
  return Array.from({ length: seedCount(seeds) }, (_, i) => seeds.from + i);
}
