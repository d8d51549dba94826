import type { ErrorCode } from './error-registry.js';

/**
 * An error the API answers with a problem+json body. `code` picks the status and title from the
 * registry; `fields` become extension members of the problem (RFC 9457 section 3.2).
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
