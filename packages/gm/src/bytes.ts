/**
 * Byte helpers shared by every `@ehc/gm` module: hex, UTF-8 and ASCII conversion, concatenation
 * and constant-time comparison. `Uint8Array` in and out, no Node `Buffer`, so the same code runs
 * in the browser.
 *
 * @module
 */

import { ensureBytes as assertBytes, describeType as describe } from './assert.js';

const HEX_DIGITS = '0123456789abcdef';
const BYTE_TO_HEX: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!,
);

/** Value of one hex digit's char code, or -1 when it is not a hex digit. */
function hexDigitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 70) return code - 55; // A-F
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/**
 * Decodes a hex string (upper or lower case, no `0x` prefix, no separators) into bytes.
 *
 * @throws {TypeError} when `hex` is not a string, has an odd length or contains a non-hex character.
 * @example
 * hexToBytes('0aFF'); // Uint8Array [10, 255]
 */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError(`hex must be a string, got ${describe(hex)}`);
  if (hex.length % 2 !== 0) {
    throw new TypeError(`hex string must have an even length, got ${hex.length} characters`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigitValue(hex.charCodeAt(2 * i));
    const lo = hexDigitValue(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? 2 * i : 2 * i + 1;
      throw new TypeError(`hex string has a non-hex character ${JSON.stringify(hex[at])} at index ${at}`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * Encodes bytes as lowercase hex. Use `.toUpperCase()` for the EHC formats that want uppercase.
 *
 * @example
 * bytesToHex(new Uint8Array([10, 255])); // '0aff'
 */
export function bytesToHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!];
  return out;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Encodes a string as UTF-8. Lone surrogates become U+FFFD, as `TextEncoder` does.
 *
 * @example
 * utf8ToBytes('张'); // Uint8Array [229, 188, 160]
 */
export function utf8ToBytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
  return utf8Encoder.encode(text);
}

/**
 * Decodes UTF-8 bytes into a string. A byte-order mark is kept as U+FEFF, not stripped.
 *
 * @throws {TypeError} when the bytes are not well-formed UTF-8.
 * @example
 * bytesToUtf8(new Uint8Array([229, 188, 160])); // '张'
 */
export function bytesToUtf8(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  return utf8Decoder.decode(bytes);
}

/**
 * Encodes a string of ASCII characters (U+0000–U+007F) one byte each: the encoding of the
 * EHC ID plaintext and of the signed part of a QR code.
 *
 * @throws {TypeError} when the string contains a character outside ASCII.
 * @example
 * asciiToBytes('01:AB'); // Uint8Array [48, 49, 58, 65, 66]
 */
export function asciiToBytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) {
      throw new TypeError(
        `text must be ASCII, found U+${code.toString(16).toUpperCase().padStart(4, '0')} at index ${i}`,
      );
    }
    out[i] = code;
  }
  return out;
}

/**
 * Concatenates byte arrays into a new array.
 *
 * @example
 * concatBytes(new Uint8Array([1]), new Uint8Array([2, 3])); // Uint8Array [1, 2, 3]
 */
export function concatBytes(...arrays: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const [i, a] of arrays.entries()) {
    assertBytes(a, `argument ${i}`);
    length += a.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/**
 * Compares two byte arrays in time that depends only on their length, not on where they differ:
 * use it for MACs, digests and keys. Arrays of different lengths are unequal (lengths are public).
 *
 * @example
 * equalBytes(hexToBytes('00ff'), hexToBytes('00FF')); // true
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'a');
  assertBytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
