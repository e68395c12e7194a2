import { describe, expect, it } from 'vitest';
import { ACCESS_ERROR_CODES } from './errors/access.js';
import { AUDIT_ERROR_CODES } from './errors/audit.js';
import { CARD_ERROR_CODES } from './errors/cards.js';
import { COMMON_ERROR_CODES } from './errors/common.js';
import { INSTITUTION_ERROR_CODES } from './errors/institutions.js';
import { PERSONAL_DATA_ERROR_CODES } from './errors/personal-data.js';
import { USAGE_ERROR_CODES } from './errors/usage.js';
import { ERROR_CODES, isErrorCode } from './errors.js';

describe('error-code catalogue', () => {
  it('has no code defined by two domains (a later spread would silently replace it)', () => {
    const domains = [
      COMMON_ERROR_CODES,
      PERSONAL_DATA_ERROR_CODES,
      AUDIT_ERROR_CODES,
      USAGE_ERROR_CODES,
      CARD_ERROR_CODES,
      INSTITUTION_ERROR_CODES,
      ACCESS_ERROR_CODES,
    ];
    const total = domains.reduce((n, domain) => n + Object.keys(domain).length, 0);
    expect(Object.keys(ERROR_CODES)).toHaveLength(total);
  });

  it('gives every code an HTTP status, an English and a Chinese message', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(info.status).toBeGreaterThanOrEqual(400);
      expect(info.status).toBeLessThan(600);
      expect(info.message.length).toBeGreaterThan(5);
      expect(info.messageZh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(isErrorCode('VALIDATION_FAILED')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
