/**
 * Every error code the API can answer with, and its HTTP status: the one place that maps the
 * typed errors of the packages (sweep-spec, store) and of the API itself to statuses.
 * `retryAfterSeconds` becomes a Retry-After header: the condition passes without the client
 * changing anything, so it should come back, not give up.
 */
export const ERROR_REGISTRY = {
  INVALID_SWEEP: { status: 422, title: 'The sweep definition is invalid' },
  SWEEP_TOO_LARGE: { status: 422, title: 'The sweep has too many trials' },
  INVALID_RECORDS: { status: 422, title: 'The records file is not one this API reads' },
  MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  UNSUPPORTED_CONTENT_ENCODING: { status: 415, title: 'Unsupported content encoding' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  INVALID_REQUEST: { status: 400, title: 'The request is invalid' },
  NOT_ACCEPTABLE: { status: 406, title: 'No acceptable representation' },
  API_KEY_REQUIRED: { status: 401, title: 'An API key is required' },
  API_KEY_INVALID: { status: 401, title: 'The API key is not valid' },
  API_KEY_READ_ONLY: { status: 403, title: 'The API key is read-only' },
  PRIORITY_NOT_ALLOWED: { status: 403, title: 'The API key may not submit this priority' },
  // Over a quota with what is queued now: the same request fits once enough of it finishes.
  QUOTA_EXCEEDED: { status: 429, title: "The API key's quota is used up" },
  // Over a quota by itself: no wait makes it fit; split the sweep or raise the key's quota.
  SWEEP_OVER_QUOTA: { status: 422, title: "The sweep alone exceeds the API key's quota" },
  SUBMISSIONS_BUSY: {
    status: 409,
    title: 'Other submissions of this API key are still being admitted',
    retryAfterSeconds: 2,
  },
  SWEEP_NOT_FOUND: { status: 404, title: 'No such sweep' },
  SWEEP_CANCELLED: { status: 409, title: 'The sweep is cancelled' },
  UNKNOWN_CELL: { status: 404, title: 'No such cell in this sweep' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'The Idempotency-Key was used with another request body',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed',
    retryAfterSeconds: 5,
  },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  // What every client polling a new sweep meets first: an answer, not a failure of the API.
  GRID_NOT_READY: { status: 503, title: 'The grid has not been computed yet', expected: true },
  DASHBOARD_NOT_BUILT: { status: 503, title: 'The dashboard has not been built' },
  REDIS_UNAVAILABLE: { status: 503, title: 'Redis is not reachable', retryAfterSeconds: 5 },
  REDIS_FULL: {
    status: 503,
    title: 'Redis is full and refuses writes',
    retryAfterSeconds: 60,
  },
  INTERNAL: { status: 500, title: 'Internal server error' },
} as const satisfies Record<
  string,
  {
    status: number;
    title: string;
    retryAfterSeconds?: number;
    /** A 5xx that healthy operation produces: logged at info, not as an error. */
    expected?: boolean;
  }
>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_REGISTRY, code);
}
