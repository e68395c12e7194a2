/**
 * The two encodings of an SM2 signature (r, s): raw r ‖ s (64 bytes, 32 big-endian bytes each,
 * as in the EHC QR code) and DER, SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009-2012 clause 7.3,
 * what OpenSSL writes), with converters.
 *
 * @module
 */

import { ensureBytes } from '../assert.js';
import { bigIntToBytes32, bytesToBigInt } from './curve.js';
import { derSequence, derUnsignedInteger, readTopLevelSequence } from './der.js';

/**
 * Bytes of a raw signature r ‖ s.
 *
 * @example
 * sm2Sign(privateKey, message).length === SM2_SIGNATURE_BYTES; // 64
 */
export const SM2_SIGNATURE_BYTES = 64;

/**
 * Signature encodings: raw r ‖ s, or DER.
 *
 * @example
 * const format: Sm2SignatureFormat = 'der'; // what OpenSSL reads and writes
 */
export type Sm2SignatureFormat = 'raw' | 'der';

const TWO_256 = 1n << 256n;

/** Reads r and s from a DER signature; they may be any non-negative integers. */
export function readDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  ensureBytes(der, 'DER signature');
  const sequence = readTopLevelSequence(der, 'SM2 signature');
  const r = sequence.readUnsignedInteger('r');
  const s = sequence.readUnsignedInteger('s');
  sequence.end('s');
  return { r, s };
}

/**
 * Converts a raw signature r ‖ s (64 bytes) to DER.
 *
 * @throws {TypeError} when `raw` is not a Uint8Array.
 * @throws {RangeError} when it is not 64 bytes.
 * @example
 * const der = sm2SignatureToDer(raw); // 30 44..46 02 … 02 …
 */
export function sm2SignatureToDer(raw: Uint8Array): Uint8Array {
  ensureBytes(raw, 'raw signature');
  if (raw.length !== SM2_SIGNATURE_BYTES) {
    throw new RangeError(`raw signature must be ${SM2_SIGNATURE_BYTES} bytes (r ‖ s), got ${raw.length}`);
  }
  return derSequence(derUnsignedInteger(raw.subarray(0, 32)), derUnsignedInteger(raw.subarray(32, 64)));
}

/**
 * Converts a DER signature to raw r ‖ s (64 bytes).
 *
 * @throws {TypeError} when `der` is not a Uint8Array or is not a well-formed DER SEQUENCE of two INTEGERs.
 * @throws {RangeError} when r or s does not fit in 32 bytes.
 * @example
 * sm2SignatureFromDer(sm2SignatureToDer(raw)); // equal to raw
 */
export function sm2SignatureFromDer(der: Uint8Array): Uint8Array {
  const { r, s } = readDerSignature(der);
  if (r >= TWO_256 || s >= TWO_256) throw new RangeError('DER signature has an r or s longer than 32 bytes');
  const raw = new Uint8Array(SM2_SIGNATURE_BYTES);
  raw.set(bigIntToBytes32(r), 0);
  raw.set(bigIntToBytes32(s), 32);
  return raw;
}

/** r and s of a raw signature. */
export function readRawSignature(raw: Uint8Array): { r: bigint; s: bigint } {
  return { r: bytesToBigInt(raw.subarray(0, 32)), s: bytesToBigInt(raw.subarray(32, 64)) };
}
