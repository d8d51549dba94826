import { z } from 'zod';
import { PARSE_PARAMS, rawIssues } from './zod-issues.js';

/**
 * Axes and lists are parsed by hand around the element schema rather than with z.union: a union
 * reports "Invalid input" at the field when every branch fails, while this names the offending
 * element (`randomout.tau.1`) with the element schema's own message.
 */
type Ctx = z.core.$RefinementCtx;

/** A field that takes one value or a non-empty list of distinct values; parses to the list. */
export function axis<T extends z.ZodType>(element: T) {
  return z.unknown().transform((value, ctx): z.output<T>[] => {
    if (Array.isArray(value)) return parseList(element, value, ctx);
    if (value === undefined) return fail(ctx, 'required');
    const parsed = element.safeParse(value, PARSE_PARAMS);
    if (!parsed.success) return forward(ctx, parsed.error.issues);
    return [normalise(parsed.data)];
  });
}

/** A field that takes a non-empty list of distinct values. */
export function list<T extends z.ZodType>(element: T) {
  return z.unknown().transform((value, ctx): z.output<T>[] => {
    if (value === undefined) return fail(ctx, 'required');
    if (!Array.isArray(value)) return fail(ctx, `expected a list, got ${describeType(value)}`);
    return parseList(element, value, ctx);
  });
}

/** Parses a list the caller already knows is an array; used by fields with other shapes too. */
export function parseList<T extends z.ZodType>(
  element: T,
  values: readonly unknown[],
  ctx: Ctx,
): z.output<T>[] {
  if (values.length === 0) return fail(ctx, 'must not be an empty list');
  const out: z.output<T>[] = [];
  let ok = true;
  values.forEach((value, index) => {
    const parsed = element.safeParse(value, PARSE_PARAMS);
    if (parsed.success) out.push(normalise(parsed.data));
    else {
      ok = false;
      forward(ctx, parsed.error.issues, [index]);
    }
  });
  if (!ok) return z.NEVER;
  return reportDuplicates(out, ctx) ? z.NEVER : out;
}

function reportDuplicates(values: readonly unknown[], ctx: Ctx): boolean {
  const firstIndex = new Map<unknown, number>();
  let found = false;
  values.forEach((value, index) => {
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    else {
      found = true;
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `duplicate value ${describeValue(value)} (also at index ${first})`,
      });
    }
  });
  return found;
}

/** -0 passes `>= 0` checks and prints as 0; keep it out of definitions so labels stay honest. */
function normalise<V>(value: V): V {
  return (Object.is(value, -0) ? 0 : value) as V;
}

export function forward(
  ctx: Ctx,
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): never {
  for (const issue of rawIssues(issues, prefix)) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  }
  return z.NEVER;
}

export function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

export function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${describeValue(value)}`;
}
