import { UsageError } from './usage-error.js';

/** A numeric flag, or undefined when absent; anything but a finite number is a UsageError. */
export function numberFlag(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    throw new UsageError(`--${name} must be a finite number, got '${String(raw)}'`);
  }
  return value;
}

export function integerFlag(values: Record<string, unknown>, name: string): number | undefined {
  const value = numberFlag(values, name);
  if (value !== undefined && !Number.isSafeInteger(value)) {
    throw new UsageError(`--${name} must be an integer, got '${String(values[name])}'`);
  }
  return value;
}

export function choiceFlag<T extends string>(
  values: Record<string, unknown>,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${String(raw)}'`);
  }
  return raw as T;
}

/** `A,B`: two finite numbers, or undefined when absent. Their order is the caller's check. */
export function numberPairFlag(
  values: Record<string, unknown>,
  name: string,
): [number, number] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const parts = String(raw)
    .split(',')
    .map((part) => part.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !numbers.every(Number.isFinite)) {
    throw new UsageError(`--${name} takes two numbers LOW,HIGH (e.g. 0,150), got '${String(raw)}'`);
  }
  return [numbers[0]!, numbers[1]!];
}
