/**
 * SM2 signatures of EHC QR codes (EHC-FORMATS §3, signed extension): the issuing node signs the
 * ASCII bytes of everything before the last `:` with SM3 and the default user ID
 * `1234567812345678`; the signature travels as 128 uppercase hex characters r ‖ s. The QR text
 * itself is parsed and encoded by `qr.ts` (`parseQrText` gives `signedPayload` and `signature`).
 *
 * @module
 */

import { ensureString } from '../assert.js';
import { asciiToBytes, bytesToHex, hexToBytes } from '../bytes.js';
import { decodePublicKey } from './keys.js';
import {
  isPreparedPublicKey,
  type Sm2PreparedPrivateKey,
  type Sm2PreparedPublicKey,
  sm2Sign,
  sm2Verify,
} from './signature.js';

const SIGNATURE_HEX = /^[0-9A-F]{128}$/;

/**
 * Signs the signed part of a QR code (`qrSigningPayload(code)` in `qr.ts`): returns the
 * signature field, 128 uppercase hex characters r ‖ s. Prepare the node's key once with
 * `sm2PreparePrivateKey` when signing many codes.
 *
 * @throws {TypeError} when `signedPayloadAscii` is not an ASCII string, or the key is not a Uint8Array.
 * @throws {RangeError} when the key is not 32 bytes in [1, n − 2].
 * @example
 * const payload = qrSigningPayload({ kind: 'dynamic', ehcId, validity, node: '370100' });
 * const text = `${payload}:${signQrPayload(nodeKey, payload)}`;
 */
export function signQrPayload(
  privateKey: Uint8Array | Sm2PreparedPrivateKey,
  signedPayloadAscii: string,
): string {
  ensureString(signedPayloadAscii, 'signedPayloadAscii');
  return bytesToHex(sm2Sign(privateKey, asciiToBytes(signedPayloadAscii))).toUpperCase();
}

/**
 * Verifies the signature field of a scanned QR code against the issuing node's public key
 * (from the trust list; prepare it with `sm2PreparePublicKey` to verify many codes fast).
 * Returns false for a wrong signature, and also for a signature field or payload that is not
 * even well-formed (128 uppercase hex; ASCII): both come from the scanned text, not from the caller.
 *
 * @throws {TypeError | RangeError} when the public key is invalid or the arguments are not strings.
 * @example
 * const code = parseQrText(scanned);
 * if (code.signature && verifyQrSignature(trustList.keyOf(code.node), code.signedPayload!, code.signature)) …
 */
export function verifyQrSignature(
  publicKey: Uint8Array | Sm2PreparedPublicKey,
  signedPayloadAscii: string,
  sigHex: string,
): boolean {
  ensureString(signedPayloadAscii, 'signedPayloadAscii');
  ensureString(sigHex, 'sigHex');
  // A bad key is the caller's mistake: report it whatever the scanned text holds.
  if (!isPreparedPublicKey(publicKey)) decodePublicKey(publicKey);
  if (!SIGNATURE_HEX.test(sigHex) || !isAscii(signedPayloadAscii)) return false;
  return sm2Verify(publicKey, asciiToBytes(signedPayloadAscii), hexToBytes(sigHex), { format: 'raw' });
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
