/**
 * The error shape of SPEC §7: `{ error: { code, message, details } }` with a 4xx status. Domain
 * refusals map to statuses by their code; anything unexpected is a 500 with no internals leaked.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type DomainErrorCode } from '../../core/errors.ts';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const STATUS_OF: Record<DomainErrorCode, ContentfulStatusCode> = {
  not_found: 404,
  forbidden: 403,
  invalid_state: 409,
  invalid_input: 400,
  conflict: 409,
  stale: 409,
};

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details !== undefined && { details }) } };
}

export function sendError(c: Context, error: unknown) {
  if (error instanceof HttpError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof DomainError) {
    return c.json(errorBody(error.code, error.en, { zh_cn: error.zh, ...(error.details !== undefined && { context: error.details }) }), STATUS_OF[error.code]);
  }
  return c.json(errorBody('internal_error', 'Internal server error'), 500);
}
