import { OWNER_NAME } from '@seedsweep/queue';
import { apiKeyId } from './api-key-id.js';
import type { KeyQuota } from './key-quota.js';

/** What a key may do: `read` only GET and HEAD, `write` everything. */
export type ApiKeyRole = 'read' | 'write';

export interface ApiKeyEntry {
  key: string;
  role: ApiKeyRole;
  /** `name=`: what logs, metrics and sweeps call the key; unset, its id (ApiKeyRing). */
  name?: string;
  /** The quotas the entry sets; the others are the deployment's defaults. */
  quota?: Partial<KeyQuota>;
  /** `high=allow`: the key may submit `priority: high` sweeps (others may not). */
  mayUseHigh?: boolean;
}

export const MIN_API_KEY_LENGTH = 16;
export const MAX_API_KEY_LENGTH = 512;

/** Characters that survive a header, a shell and an env file unquoted (base64 and URL-safe). */
const KEY_CHARACTERS = /^[A-Za-z0-9._~+/=-]+$/;

export type ApiKeyParse = { ok: true; entries: ApiKeyEntry[] } | { ok: false; problem: string };

/**
 * Parses the entries of API_KEYS (comma-separated) or API_KEYS_FILE (one a line, blank lines
 * and `#` comments allowed): `KEY` or `write:KEY` for a read-write key, `read:KEY` for a
 * read-only one, then optional settings separated by spaces (`name=alice maxWorkers=4
 * high=allow`; SETTINGS). A problem names the entry by its position and never quotes it: the
 * text is a secret, and it ends up in logs and terminals.
 */
export function parseApiKeyEntries(
  items: readonly string[],
  source: { variable: string; item: 'entry' | 'line' },
): ApiKeyParse {
  const entries: ApiKeyEntry[] = [];
  const seen = new Map<string, number>();
  // Names are not secret: they are quoted.
  const names = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    if (item === '') continue;
    const where = `${source.variable} ${source.item} ${index + 1}`;
    const parsed = parseEntry(item);
    if (typeof parsed === 'string') return { ok: false, problem: `${where}: ${parsed}` };
    const earlier = seen.get(parsed.key);
    if (earlier !== undefined) {
      return { ok: false, problem: `${where}: repeats the key of ${source.item} ${earlier + 1}` };
    }
    seen.set(parsed.key, index);
    // Sweeps, quotas and metrics are kept by name: two keys of one name would share them.
    const name = parsed.name ?? apiKeyId(parsed.key);
    const named = names.get(name);
    if (named !== undefined) {
      return {
        ok: false,
        problem: `${where}: is named ${name}, as ${source.item} ${named + 1} is; names must differ`,
      };
    }
    names.set(name, index);
    entries.push(parsed);
  }
  return { ok: true, entries };
}

/** API_KEYS: comma-separated; an empty item (a trailing comma) is skipped. */
export function apiKeysFromList(value: string): ApiKeyParse {
  const items = value.split(',').map((item) => item.trim());
  const parsed = parseApiKeyEntries(items, { variable: 'API_KEYS', item: 'entry' });
  if (parsed.ok && parsed.entries.length === 0) {
    return { ok: false, problem: 'API_KEYS has no keys' };
  }
  return parsed;
}

/** API_KEYS_FILE's text: one entry a line; `#` starts a comment (at a line's start or after a space). */
export function apiKeysFromFile(text: string): ApiKeyParse {
  const items = text.split(/\r?\n/).map((line) => line.replace(/(^|\s)#.*$/, '').trim());
  const parsed = parseApiKeyEntries(items, { variable: 'API_KEYS_FILE', item: 'line' });
  if (parsed.ok && parsed.entries.length === 0) {
    return { ok: false, problem: 'API_KEYS_FILE has no keys' };
  }
  return parsed;
}

/** The settings an entry may have after its key. */
export const SETTINGS = ['name', 'maxQueuedTrials', 'maxCoreHours', 'maxWorkers', 'high'] as const;
type Setting = (typeof SETTINGS)[number];

const QUOTA_BOUNDS = {
  maxQueuedTrials: { max: 1_000_000_000, integer: true, unit: 'a whole number of trials' },
  maxCoreHours: { max: 1_000_000_000, integer: false, unit: 'a number of core-hours' },
  maxWorkers: { max: 1_000_000, integer: true, unit: 'a whole number of workers' },
} as const;

function parseEntry(item: string): ApiKeyEntry | string {
  const [first = '', ...settings] = item.split(/\s+/);
  const parsed = splitRole(first);
  if (typeof parsed === 'string') return parsed;
  const given = new Set<Setting>();
  for (const [index, text] of settings.entries()) {
    // Neither the setting's name nor its value is quoted when it is not one of SETTINGS: it
    // may be a piece of a key that a stray space cut in two.
    const equals = text.indexOf('=');
    const name = SETTINGS.find((s) => s === text.slice(0, equals));
    const position = `setting ${index + 1} after the key`;
    if (equals === -1 || name === undefined) {
      return `${position} is not one of ${SETTINGS.map((s) => `${s}=`).join(', ')} (a key has no spaces)`;
    }
    if (given.has(name)) return `${name}= is set twice`;
    given.add(name);
    const value = text.slice(equals + 1);
    if (name !== 'name' && parsed.role === 'read') {
      return `${name}= applies to read-write keys only: a read: key submits nothing`;
    }
    if (name === 'name') {
      if (!OWNER_NAME.test(value)) return 'name= must be 1-64 letters, digits, ., _ or -';
      parsed.name = value;
    } else if (name === 'high') {
      if (value !== 'allow' && value !== 'deny') return 'high= must be allow or deny';
      parsed.mayUseHigh = value === 'allow';
    } else {
      const bounds = QUOTA_BOUNDS[name];
      const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
      if (!(number <= bounds.max) || (bounds.integer && !Number.isInteger(number))) {
        return `${name}= must be ${bounds.unit} from 0 (unlimited) to ${bounds.max.toLocaleString('en-US')}`;
      }
      parsed.quota = { ...parsed.quota, [name]: number };
    }
  }
  // After the settings: a key cut in two by a space is better told by the hint above.
  return keyProblem(parsed.key) ?? parsed;
}

/** The role prefix and the key after it; a problem for an unknown prefix. */
function splitRole(item: string): ApiKeyEntry | string {
  const colon = item.indexOf(':');
  if (colon === -1) return { key: item, role: 'write' };
  const prefix = item.slice(0, colon);
  // ':' is not a key character, so anything before it must be a role; it is not quoted,
  // in case it is a key with a stray colon.
  if (prefix !== 'read' && prefix !== 'write') {
    return 'the only prefixes are read: and write:';
  }
  return { key: item.slice(colon + 1), role: prefix };
}

function keyProblem(key: string): string | null {
  if (key.length < MIN_API_KEY_LENGTH) {
    return `the key has ${key.length} characters; a key needs at least ${MIN_API_KEY_LENGTH}`;
  }
  if (key.length > MAX_API_KEY_LENGTH) {
    return `the key has ${key.length} characters; at most ${MAX_API_KEY_LENGTH} are allowed`;
  }
  if (!KEY_CHARACTERS.test(key)) {
    return 'the key has a character other than letters, digits and . _ ~ + / = -';
  }
  return null;
}
