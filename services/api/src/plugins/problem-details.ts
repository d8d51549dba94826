import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RecordsFormatError, type Problem as WireProblem } from '@seedsweep/api-contract';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { InvalidSweepError, SweepTooLargeError } from '@seedsweep/sweep-spec';
import { GridLookupError } from '@seedsweep/stats';
import { ApiError, ERROR_REGISTRY, type ErrorCode } from '../errors/index.js';
import { isRedisDown, isRedisFull } from '../errors/redis-failure.js';

/** What this API sends: every member present, and a code of its registry. */
export interface Problem extends WireProblem {
  type: string;
  title: string;
  detail: string;
  instance: string;
  code: ErrorCode;
}

/**
 * Answers every error with application/problem+json (RFC 9457): typed errors of the packages
 * and of the API map to a status through the registry; anything else is a 500 that says nothing
 * about the internals.
 */
export function problemDetails(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status >= 500) {
      const entry = ERROR_REGISTRY[problem.code];
      if ('expected' in entry && entry.expected)
        request.log.info({ code: problem.code }, problem.detail);
      else request.log.error({ err: error }, 'request failed');
    }
    void sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    void sendProblem(
      reply,
      problemOf('ROUTE_NOT_FOUND', `${request.method} ${request.url} is not a route`, request),
    );
  });
}

/**
 * Answers from a hook, without going through the error handler: a plugin with a handler of its
 * own (bull-board) would otherwise get the error first.
 */
export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  return sendProblem(reply, problemOf(error.code, error.message, reply.request, error.fields));
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  const entry = ERROR_REGISTRY[problem.code];
  // The rate limit sets its own, from the time left in the client's window.
  if ('retryAfterSeconds' in entry && !reply.hasHeader('retry-after')) {
    reply.header('retry-after', String(entry.retryAfterSeconds));
  }
  if (problem.status === 401) {
    // RFC 9110 section 11.6.1: a 401 names the scheme it wants; RFC 6750 section 3 the error.
    reply.header(
      'www-authenticate',
      problem.code === 'API_KEY_INVALID'
        ? 'Bearer realm="seedsweep", error="invalid_token"'
        : 'Bearer realm="seedsweep"',
    );
  }
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

function toProblem(error: FastifyError, request: FastifyRequest): Problem {
  if (error instanceof ApiError) return problemOf(error.code, error.message, request, error.fields);
  if (error instanceof InvalidSweepError) {
    const syntax = error.issues.length > 0 && error.issues.every((i) => i.path === '(body)');
    return problemOf(syntax ? 'MALFORMED_BODY' : 'INVALID_SWEEP', error.message, request, {
      errors: error.issues,
    });
  }
  if (error instanceof SweepTooLargeError) {
    return problemOf('SWEEP_TOO_LARGE', error.message, request, {
      trials: error.trials,
      maxTrials: error.maxTrials,
      factors: error.factors,
    });
  }
  if (error instanceof RecordsFormatError) {
    return problemOf(
      error.kind === 'syntax' ? 'MALFORMED_BODY' : 'INVALID_RECORDS',
      error.message,
      request,
      { line: error.line, errors: [{ path: error.where, message: error.problem }] },
    );
  }
  if (error instanceof GridLookupError) return problemOf('UNKNOWN_CELL', error.message, request);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join(
        '.',
      ),
      message: v.message ?? 'is invalid',
    }));
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return problemOf('INVALID_REQUEST', detail, request, { errors });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return problemOf('BODY_TOO_LARGE', error.message, request);
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return problemOf(
      'UNSUPPORTED_MEDIA_TYPE',
      `${request.headers['content-type'] ?? 'no Content-Type'} is not accepted here; send application/json or application/yaml`,
      request,
    );
  }
  if (
    error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'
  ) {
    return problemOf('MALFORMED_BODY', error.message, request);
  }
  if (isRedisFull(error)) {
    return problemOf(
      'REDIS_FULL',
      'Redis has reached its memory limit and refuses writes; nothing was written. Free memory or raise maxmemory, then try again',
      request,
    );
  }
  if (isRedisDown(error))
    return problemOf('REDIS_UNAVAILABLE', 'Redis is not reachable; try again shortly', request);
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return problemOf('INVALID_REQUEST', error.message, request);
  }
  return problemOf(
    'INTERNAL',
    'The server failed to answer; the request id is in its logs',
    request,
    {
      requestId: request.id,
    },
  );
}

function problemOf(
  code: ErrorCode,
  detail: string,
  request: FastifyRequest,
  fields: Record<string, unknown> = {},
): Problem {
  const { status, title } = ERROR_REGISTRY[code];
  return {
    // A URN, not a URL: stable and meaningful without a documentation site to resolve it.
    type: `urn:seedsweep:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail,
    instance: request.url,
    code,
    ...fields,
  };
}
