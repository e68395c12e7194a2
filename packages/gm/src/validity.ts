/**
 * The validity field of dynamic QR codes (EHC-FORMATS §3): the code's expiry time, encrypted
 * under the issuing node's protection key (保护密钥) so that only nodes holding that key can read
 * or forge it.
 *
 * Layout: the expiry as `YYYYMMDDHHMMSS` in China Standard Time (UTC+08:00, Asia/Shanghai; see
 * `china-time.ts`), read as 7 bytes of packed BCD, then 9 zero bytes; one SM4-ECB block; 32
 * uppercase hex characters. The zero bytes and the BCD digits are what tell a wrong key or an
 * altered field from a real expiry on decryption. Precision is one second: milliseconds are
 * dropped, so a code expires at most 999 ms earlier than asked.
 *
 * @module
 */

import { describeType, ensureBytesOfLength, ensureString } from './assert.js';
import { bytesToHex, hexToBytes } from './bytes.js';
import { fromChinaDateTime, toChinaDateTime } from './china-time.js';
import { sm4DecryptEcb, sm4EncryptEcb } from './sm4.js';

const NO_PADDING = { padding: 'none' } as const;
const BCD_BYTES = 7;

/** Why a validity field could not be read. */
export type ValidityProblem = 'MALFORMED' | 'UNDECRYPTABLE' | 'INVALID_TIME';

/**
 * A validity field could not be read: `MALFORMED` (not 32 hex characters), `UNDECRYPTABLE`
 * (wrong protection key or altered field), `INVALID_TIME` (decrypts to digits that are not a
 * real date and time: the issuer encoded garbage).
 *
 * @example
 * try { decryptValidity(field, key); } catch (e) { if (e instanceof ValidityError) reject(e.reason); }
 */
export class ValidityError extends Error {
  override readonly name = 'ValidityError';
  constructor(
    readonly reason: ValidityProblem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Encrypts an expiry time into the 32-character validity field of a dynamic QR code.
 *
 * @throws {TypeError} when `expiry` is not a Date or `protectionKey` not a Uint8Array.
 * @throws {RangeError} when `expiry` is an invalid Date or outside years 1000–9999 (China time),
 *   or `protectionKey` is not 16 bytes.
 * @example
 * encryptValidity(new Date('2025-01-02T03:04:05+08:00'), protectionKey);
 * // SM4-ECB of 20250102030405 00…00 as 32 uppercase hex
 */
export function encryptValidity(expiry: Date, protectionKey: Uint8Array): string {
  if (!(expiry instanceof Date)) throw new TypeError(`expiry must be a Date, got ${describeType(expiry)}`);
  if (Number.isNaN(expiry.getTime())) throw new RangeError('expiry is an invalid Date');
  ensureBytesOfLength(protectionKey, 16, 'protectionKey');
  const t = toChinaDateTime(expiry);
  if (t.year < 1000 || t.year > 9999) {
    throw new RangeError(`expiry year must be 1000–9999 in China Standard Time, got ${t.year}`);
  }
  const digits =
    String(t.year) +
    [t.month, t.day, t.hour, t.minute, t.second].map((n) => String(n).padStart(2, '0')).join('');
  const block = new Uint8Array(16);
  block.set(hexToBytes(digits)); // 14 decimal digits read as hex = packed BCD
  return bytesToHex(sm4EncryptEcb(protectionKey, block, NO_PADDING)).toUpperCase();
}

/**
 * Decrypts a validity field back to the expiry instant (whole seconds). Accepts upper- or
 * lowercase hex. Comparing it with the current time is the verifier's job.
 *
 * @throws {ValidityError} when the field is malformed, does not decrypt under this key, or holds
 *   an impossible time (see {@link ValidityError}).
 * @throws {TypeError} when `validity` is not a string or `protectionKey` not a Uint8Array.
 * @throws {RangeError} when `protectionKey` is not 16 bytes.
 * @example
 * decryptValidity(encryptValidity(expiry, key), key).getTime() === Math.floor(expiry.getTime() / 1000) * 1000;
 */
export function decryptValidity(validity: string, protectionKey: Uint8Array): Date {
  ensureString(validity, 'validity');
  ensureBytesOfLength(protectionKey, 16, 'protectionKey');
  if (!/^[0-9A-Fa-f]{32}$/.test(validity)) {
    throw new ValidityError(
      'MALFORMED',
      `a validity field is 32 hex characters, got ${validity.length} characters${validity.length === 32 ? ' with non-hex ones' : ''}`,
    );
  }
  const block = sm4DecryptEcb(protectionKey, hexToBytes(validity), NO_PADDING);
  const digits = bytesToHex(block.subarray(0, BCD_BYTES));
  const trailerIsZero = block.subarray(BCD_BYTES).every((b) => b === 0);
  if (!trailerIsZero || !/^[0-9]{14}$/.test(digits)) {
    throw new ValidityError(
      'UNDECRYPTABLE',
      'the validity field does not decrypt to an expiry time: wrong protection key, or the code was altered',
    );
  }
  const field = (from: number, to: number) => Number(digits.slice(from, to));
  const expiry = fromChinaDateTime({
    year: field(0, 4),
    month: field(4, 6),
    day: field(6, 8),
    hour: field(8, 10),
    minute: field(10, 12),
    second: field(12, 14),
  });
  if (!expiry) {
    throw new ValidityError(
      'INVALID_TIME',
      `the validity field holds ${digits}, which is not a real date and time`,
    );
  }
  return expiry;
}
