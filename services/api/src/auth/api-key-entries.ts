/** What a key may do: `read` only GET and HEAD, `write` everything. */
export type ApiKeyRole = 'read' | 'write';

export interface ApiKeyEntry {
  key: string;
  role: ApiKeyRole;
}

export const MIN_API_KEY_LENGTH = 16;
export const MAX_API_KEY_LENGTH = 512;

/** Characters that survive a header, a shell and an env file unquoted (base64 and URL-safe). */
const KEY_CHARACTERS = /^[A-Za-z0-9._~+/=-]+$/;

export type ApiKeyParse = { ok: true; entries: ApiKeyEntry[] } | { ok: false; problem: string };

/**
 * Parses the entries of API_KEYS (comma-separated) or API_KEYS_FILE (one a line, blank lines
 * and `#` comments allowed): `KEY` or `write:KEY` for a read-write key, `read:KEY` for a
 * read-only one. A problem names the entry by its position and never quotes it: the text is a
 * secret, and it ends up in logs and terminals.
 */
export function parseApiKeyEntries(
  items: readonly string[],
  source: { variable: string; item: 'entry' | 'line' },
): ApiKeyParse {
  const entries: ApiKeyEntry[] = [];
  const seen = new Map<string, number>();
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

function parseEntry(item: string): ApiKeyEntry | string {
  const colon = item.indexOf(':');
  let role: ApiKeyRole = 'write';
  let key = item;
  if (colon !== -1) {
    const prefix = item.slice(0, colon);
    // ':' is not a key character, so anything before it must be a role; it is not quoted,
    // in case it is a key with a stray colon.
    if (prefix !== 'read' && prefix !== 'write') {
      return 'the only prefixes are read: and write:';
    }
    role = prefix;
    key = item.slice(colon + 1);
  }
  if (key.length < MIN_API_KEY_LENGTH) {
    return `the key has ${key.length} characters; a key needs at least ${MIN_API_KEY_LENGTH}`;
  }
  if (key.length > MAX_API_KEY_LENGTH) {
    return `the key has ${key.length} characters; at most ${MAX_API_KEY_LENGTH} are allowed`;
  }
  if (!KEY_CHARACTERS.test(key)) {
    return 'the key has a character other than letters, digits and . _ ~ + / = -';
  }
  return { key, role };
}
