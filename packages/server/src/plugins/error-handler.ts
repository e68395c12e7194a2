/**
 * The one place errors become HTTP responses: `{ error: { code, message, details } }`.
 * AppError keeps its code and status; Fastify's own errors (validation, body parsing, size) map to
 * catalogued codes; anything else is a 500 whose message is hidden and replaced by the request id.
 */
import { ERROR_CODES, type ErrorCode, type ErrorResponse, type FieldIssue } from '@ehc/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError } from '../lib/errors.js';

/** Fastify error codes (FST_ERR_*) and what they mean to our clients. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
};

function send(reply: FastifyReply, status: number, body: ErrorResponse) {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      if (error.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      const details = error.statusCode >= 500 ? { requestId: request.id } : error.details;
      return send(reply, error.statusCode, {
        error: { code: error.code, message: error.message, ...(details === undefined ? {} : { details }) },
      });
    }

    if (error.validation) {
      const issues: FieldIssue[] = error.validation.map((issue) => ({
        path: `${error.validationContext === 'body' ? '' : `/${error.validationContext ?? ''}`}${issue.instancePath || ''}${
          issue.keyword === 'required' && typeof issue.params?.['missingProperty'] === 'string'
            ? `/${issue.params['missingProperty']}`
            : ''
        }`,
        message: issue.message ?? 'invalid',
      }));
      return send(reply, 400, {
        error: {
          code: 'VALIDATION_FAILED',
          message: ERROR_CODES.VALIDATION_FAILED.message,
          details: { issues },
        },
      });
    }

    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      return send(reply, ERROR_CODES[mapped].status, {
        error: { code: mapped, message: ERROR_CODES[mapped].message },
      });
    }

    if (error.statusCode === 429) {
      return send(reply, 429, { error: { code: 'RATE_LIMITED', message: ERROR_CODES.RATE_LIMITED.message } });
    }

    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, error.statusCode, { error: { code: 'BAD_REQUEST', message: error.message } });
    }

    // Unexpected: log everything (masked by the logger), tell the client nothing but the request id.
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, 500, {
      error: {
        code: 'INTERNAL_ERROR',
        message: `${ERROR_CODES.INTERNAL_ERROR.message} (request id ${request.id})`,
        details: { requestId: request.id },
      },
    });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, {
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: `No endpoint ${request.method} ${request.url.split('?')[0]}; see /docs for the API reference.`,
      },
    }),
  );
}
