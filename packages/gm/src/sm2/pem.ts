/**
 * SM2 keys in the DER and PEM forms OpenSSL reads and writes: PKCS#8 private keys
 * (`-----BEGIN PRIVATE KEY-----`, RFC 5208 around the RFC 5915 ECPrivateKey), SPKI public keys
 * (`-----BEGIN PUBLIC KEY-----`, RFC 5480), and, for reading, SEC1 private keys
 * (`EC PRIVATE KEY`, or `SM2 PRIVATE KEY` as OpenSSL 3 labels them). The algorithm is
 * id-ecPublicKey with the SM2 curve OID as its parameter.
 *
 * @module
 */

import { ensureBytes, ensureString } from '../assert.js';
import { bigIntToBytes32 } from './curve.js';
import {
  contextTag,
  DerReader,
  derBitString,
  derExplicit,
  derOctetString,
  derOid,
  derSequence,
  derUnsignedInteger,
  readTopLevelSequence,
  TAG_INTEGER,
  TAG_SEQUENCE,
} from './der.js';
import { decodePublicKey, encodeAffine, privateKeyToScalar, sm2GetPublicKey } from './keys.js';

/**
 * OID of the SM2 curve, GM/T 0006-2012 (sm2p256v1, "SM2 椭圆曲线公钥密码算法").
 *
 * @example
 * SM2_CURVE_OID; // '1.2.156.10197.1.301'
 */
export const SM2_CURVE_OID = '1.2.156.10197.1.301';

/**
 * OID id-ecPublicKey, RFC 5480 clause 2.1.1: the algorithm of every EC key, SM2 included.
 *
 * @example
 * EC_PUBLIC_KEY_OID; // '1.2.840.10045.2.1'
 */
export const EC_PUBLIC_KEY_OID = '1.2.840.10045.2.1';

const ALGORITHM_IDENTIFIER = derSequence(derOid(EC_PUBLIC_KEY_OID), derOid(SM2_CURVE_OID));

// ---------------------------------------------------------------------------------------------
// PEM armour

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

function fromBase64(text: string, label: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new TypeError(`PEM ${label} block is not valid base64`);
  }
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** PEM text for DER bytes: base64 in lines of 64 characters, as OpenSSL writes. */
function toPem(label: string, der: Uint8Array): string {
  const base64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The first PEM block whose label is one of `labels` (other blocks, e.g. EC PARAMETERS, are skipped). */
function fromPem(pem: string, labels: readonly string[], what: string): { label: string; der: Uint8Array } {
  ensureString(pem, what);
  const block = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const found: string[] = [];
  for (const match of pem.matchAll(block)) {
    const label = match[1]!;
    if (labels.includes(label)) return { label, der: fromBase64(match[2]!, label) };
    found.push(label);
  }
  if (found.includes('ENCRYPTED PRIVATE KEY')) {
    throw new TypeError(
      'encrypted private keys are not supported: decrypt it first, e.g. `openssl pkey -in key.pem -out plain.pem`',
    );
  }
  const expected = labels.map((l) => `"${l}"`).join(' or ');
  throw new TypeError(
    found.length === 0
      ? `${what} is not PEM: expected a -----BEGIN ${labels[0]}----- block`
      : `${what} has no ${expected} block (found ${found.map((l) => `"${l}"`).join(', ')})`,
  );
}

// ---------------------------------------------------------------------------------------------
// Structures

function readAlgorithm(reader: DerReader): void {
  const algorithm = reader.readSequence('AlgorithmIdentifier');
  const oid = algorithm.readOid('algorithm');
  if (oid === SM2_CURVE_OID) {
    // Some encoders put the curve OID in the algorithm field itself; accept that too.
  } else if (oid === EC_PUBLIC_KEY_OID) {
    const curve = algorithm.readOid('namedCurve');
    if (curve !== SM2_CURVE_OID) {
      throw new TypeError(`not an SM2 key: its curve is ${curve}, SM2 is ${SM2_CURVE_OID}`);
    }
  } else {
    throw new TypeError(`not an EC key: algorithm ${oid}, expected id-ecPublicKey (${EC_PUBLIC_KEY_OID})`);
  }
  algorithm.end('AlgorithmIdentifier');
}

/** RFC 5915 ECPrivateKey (SEC1): version 1, the key, optional [0] curve and [1] public key. */
function readEcPrivateKey(der: Uint8Array): Uint8Array {
  const sequence = readTopLevelSequence(der, 'ECPrivateKey');
  if (sequence.readUnsignedInteger('ECPrivateKey version') !== 1n) {
    throw new TypeError('ECPrivateKey version must be 1');
  }
  const keyBytes = sequence.readOctetString('privateKey');
  if (keyBytes.length === 0 || keyBytes.length > 32) {
    throw new RangeError(`SM2 private key in ECPrivateKey must be 1 to 32 bytes, got ${keyBytes.length}`);
  }
  const privateKey = new Uint8Array(32);
  privateKey.set(keyBytes, 32 - keyBytes.length);
  privateKeyToScalar(privateKey);
  const parameters = sequence.readOptionalExplicit(0);
  if (parameters !== undefined) {
    const curve = parameters.readOid('namedCurve');
    if (curve !== SM2_CURVE_OID)
      throw new TypeError(`not an SM2 key: its curve is ${curve}, SM2 is ${SM2_CURVE_OID}`);
    parameters.end('parameters');
  }
  const publicKeyField = sequence.readOptionalExplicit(1);
  if (publicKeyField !== undefined) {
    const embedded = publicKeyField.readBitString('publicKey');
    publicKeyField.end('publicKey');
    const { x, y } = decodePublicKey(embedded, 'embedded public key').toAffine();
    const derived = sm2GetPublicKey(privateKey);
    const given = encodeAffine(x, y);
    if (!given.every((byte, i) => byte === derived[i])) {
      throw new TypeError('the public key embedded in the private key does not match it');
    }
  }
  sequence.end('ECPrivateKey');
  return privateKey;
}

/** RFC 5208 PrivateKeyInfo (or RFC 5958 OneAsymmetricKey) around an ECPrivateKey. */
function readPkcs8(der: Uint8Array): Uint8Array {
  const sequence = readTopLevelSequence(der, 'PrivateKeyInfo');
  const version = sequence.readUnsignedInteger('PrivateKeyInfo version');
  if (version !== 0n && version !== 1n)
    throw new TypeError(`PrivateKeyInfo version must be 0 or 1, got ${version}`);
  readAlgorithm(sequence);
  const privateKey = readEcPrivateKey(sequence.readOctetString('privateKey'));
  // [0] attributes and the [1] publicKey of RFC 5958 carry nothing we need.
  if (sequence.peekTag() === contextTag(0)) sequence.readElement();
  if (sequence.peekTag() === 0x81 || sequence.peekTag() === contextTag(1)) sequence.readElement();
  sequence.end('PrivateKeyInfo');
  return privateKey;
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * A private key as PKCS#8 DER, byte for byte what `openssl genpkey -algorithm EC -pkeyopt
 * ec_paramgen_curve:SM2 -outform DER` writes (the public key embedded).
 *
 * @throws {TypeError | RangeError} when `privateKey` is not 32 bytes in [1, n − 2].
 * @example
 * const der = sm2PrivateKeyToDer(privateKey); // 30 81 87 02 01 00 …
 */
export function sm2PrivateKeyToDer(privateKey: Uint8Array): Uint8Array {
  const d = privateKeyToScalar(privateKey);
  const ecPrivateKey = derSequence(
    derUnsignedInteger(1n),
    derOctetString(bigIntToBytes32(d)),
    derExplicit(1, derBitString(sm2GetPublicKey(privateKey))),
  );
  return derSequence(derUnsignedInteger(0n), ALGORITHM_IDENTIFIER, derOctetString(ecPrivateKey));
}

/**
 * Reads a private key from DER: PKCS#8 (PrivateKeyInfo) or SEC1 (ECPrivateKey). The curve must
 * be SM2 and an embedded public key must match.
 *
 * @throws {TypeError} when the DER is malformed, not an EC key, not on SM2, or inconsistent.
 * @throws {RangeError} when the key is out of range.
 * @example
 * const privateKey = sm2PrivateKeyFromDer(fs.readFileSync('key.der'));
 */
export function sm2PrivateKeyFromDer(der: Uint8Array): Uint8Array {
  ensureBytes(der, 'private key DER');
  // PrivateKeyInfo's second element is the AlgorithmIdentifier SEQUENCE; ECPrivateKey's is the key.
  const outer = new DerReader(der).readSequence('private key');
  if (outer.peekTag() !== TAG_INTEGER)
    throw new TypeError('malformed DER: private key must start with a version');
  outer.readElement();
  return outer.peekTag() === TAG_SEQUENCE ? readPkcs8(der) : readEcPrivateKey(der);
}

/**
 * A private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as OpenSSL writes it; `openssl
 * pkey`, `pkeyutl` and the other tools read it.
 *
 * @throws {TypeError | RangeError} when `privateKey` is not 32 bytes in [1, n − 2].
 * @example
 * fs.writeFileSync('key.pem', sm2PrivateKeyToPem(privateKey), { mode: 0o600 });
 */
export function sm2PrivateKeyToPem(privateKey: Uint8Array): string {
  return toPem('PRIVATE KEY', sm2PrivateKeyToDer(privateKey));
}

/**
 * Reads a private key from PEM: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` or `SM2 PRIVATE KEY`
 * (SEC1). Other blocks in the text (such as `EC PARAMETERS`) are skipped. Encrypted keys are not
 * supported.
 *
 * @throws {TypeError} when there is no such block, or the key is malformed, encrypted or not SM2.
 * @throws {RangeError} when the key is out of range.
 * @example
 * const privateKey = sm2PrivateKeyFromPem(fs.readFileSync('key.pem', 'utf8'));
 */
export function sm2PrivateKeyFromPem(pem: string): Uint8Array {
  const { label, der } = fromPem(
    pem,
    ['PRIVATE KEY', 'EC PRIVATE KEY', 'SM2 PRIVATE KEY'],
    'SM2 private key PEM',
  );
  return label === 'PRIVATE KEY' ? readPkcs8(der) : readEcPrivateKey(der);
}

/**
 * A public key as SPKI DER (SubjectPublicKeyInfo), uncompressed, as `openssl pkey -pubout -outform DER` writes.
 *
 * @throws {TypeError | RangeError} when `publicKey` is not a valid SM2 public key.
 * @example
 * const der = sm2PublicKeyToDer(publicKey); // 91 bytes, 30 59 30 13 …
 */
export function sm2PublicKeyToDer(publicKey: Uint8Array): Uint8Array {
  const { x, y } = decodePublicKey(publicKey).toAffine();
  return derSequence(ALGORITHM_IDENTIFIER, derBitString(encodeAffine(x, y)));
}

/**
 * Reads a public key from SPKI DER; returns it uncompressed (65 bytes).
 *
 * @throws {TypeError} when the DER is malformed, not an EC key, not on SM2, or the point is invalid.
 * @example
 * const publicKey = sm2PublicKeyFromDer(fs.readFileSync('pub.der'));
 */
export function sm2PublicKeyFromDer(der: Uint8Array): Uint8Array {
  ensureBytes(der, 'public key DER');
  const sequence = readTopLevelSequence(der, 'SubjectPublicKeyInfo');
  readAlgorithm(sequence);
  const point = sequence.readBitString('subjectPublicKey');
  sequence.end('SubjectPublicKeyInfo');
  const { x, y } = decodePublicKey(point).toAffine();
  return encodeAffine(x, y);
}

/**
 * A public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as `openssl pkey -pubout` writes.
 *
 * @throws {TypeError | RangeError} when `publicKey` is not a valid SM2 public key.
 * @example
 * fs.writeFileSync('pub.pem', sm2PublicKeyToPem(publicKey));
 */
export function sm2PublicKeyToPem(publicKey: Uint8Array): string {
  return toPem('PUBLIC KEY', sm2PublicKeyToDer(publicKey));
}

/**
 * Reads a public key from SPKI PEM (`-----BEGIN PUBLIC KEY-----`); returns it uncompressed (65 bytes).
 *
 * @throws {TypeError} when there is no such block or the key is malformed, not SM2 or not on the curve.
 * @example
 * const publicKey = sm2PublicKeyFromPem(fs.readFileSync('pub.pem', 'utf8'));
 */
export function sm2PublicKeyFromPem(pem: string): Uint8Array {
  return sm2PublicKeyFromDer(fromPem(pem, ['PUBLIC KEY'], 'SM2 public key PEM').der);
}
