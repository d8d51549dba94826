import { locateIssues, type SweepDefinition } from '@seedsweep/sweep-spec';
import type { ApiKeyIdentity } from './auth/api-key-ring.js';
import { ApiError } from './errors/index.js';

/**
 * `priority: high` is reserved to the API keys allowed it (`high=allow`): a high sweep's work
 * counts at a quarter against the others', so any key could otherwise take most of the workers.
 * Refused before anything is read or written, with the field's line in the text. Without
 * authentication (`identity` null) everything is allowed: there is no one to tell apart.
 */
export function assertPriorityAllowed(
  definition: SweepDefinition,
  identity: ApiKeyIdentity | null,
  text: string,
): void {
  if (definition.priority !== 'high' || identity === null || identity.mayUseHigh) return;
  const message = `API key ${identity.name} may not submit high-priority sweeps (its entry has no high=allow); submit it as normal or low`;
  throw new ApiError('PRIORITY_NOT_ALLOWED', message, {
    key: identity.name,
    errors: locateIssues(text, [{ path: 'priority', message: 'high is not allowed for this key' }]),
  });
}
