/**
 * The catalogue of error codes the platform returns. Clients switch on `code`; the HTTP status
 * and the default message live here so that server, CLI and web agree. Codes are stable: add
 * new ones, never rename or reuse one.
 */

import { ACCESS_ERROR_CODES } from './errors/access.js';
import { AUDIT_ERROR_CODES } from './errors/audit.js';
import { CARD_ERROR_CODES } from './errors/cards.js';
import { COMMON_ERROR_CODES } from './errors/common.js';
import { INSTITUTION_ERROR_CODES } from './errors/institutions.js';
import { PERSONAL_DATA_ERROR_CODES } from './errors/personal-data.js';
import { USAGE_ERROR_CODES } from './errors/usage.js';

export type { ErrorCodeInfo } from './errors/types.js';

/**
 * Every code, composed from one file per domain under ./errors/ (a domain adds its file here).
 */
export const ERROR_CODES = {
  ...COMMON_ERROR_CODES,
  ...PERSONAL_DATA_ERROR_CODES,
  ...AUDIT_ERROR_CODES,
  ...USAGE_ERROR_CODES,
  ...INSTITUTION_ERROR_CODES,
  ...ACCESS_ERROR_CODES,
  ...CARD_ERROR_CODES,
} as const;

/** A platform error code, e.g. `VALIDATION_FAILED`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is one of the catalogued codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
