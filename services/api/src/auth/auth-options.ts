import type { ApiKeyEntry } from './api-key-entries.js';

/**
 * How the API authenticates: with API keys, or not at all. `off` is explicit (AUTH=off) so an
 * API without keys is a decision someone made, never a forgotten variable.
 */
export type AuthOptions = { mode: 'off' } | { mode: 'keys'; keys: readonly ApiKeyEntry[] };
