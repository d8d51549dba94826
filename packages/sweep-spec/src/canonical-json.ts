/**
 * JSON with object keys sorted (by UTF-16 code units) and no whitespace: the same value gives
 * the same text whatever order its properties were set in, so its hash can be a content key.
 * Same rules as crater-data's dataset identity (undefined properties are left out), and what
 * JSON cannot hold faithfully is refused rather than silently written as null or dropped.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // The default sort compares UTF-16 code units, as crater-data's identity hash does.
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`canonical JSON cannot hold the non-finite number ${value}`);
  }
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`canonical JSON cannot hold ${String(value)}`);
  return json;
}
