/**
 * AppError: the one error type services throw. It carries a catalogued code; the error handler
 * turns it into `{ error: { code, message, details } }` with the code's HTTP status.
 */
import { ERROR_CODES, type ErrorCode } from '@ehc/contract/errors';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options);
    this.name = 'AppError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
    this.details = details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
