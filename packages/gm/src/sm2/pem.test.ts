import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { sm2CompressPublicKey, sm2GenerateKeyPair, sm2GetPublicKey } from './keys.js';
import {
  sm2PrivateKeyFromDer,
  sm2PrivateKeyFromPem,
  sm2PrivateKeyToDer,
  sm2PrivateKeyToPem,
  sm2PublicKeyFromDer,
  sm2PublicKeyFromPem,
  sm2PublicKeyToDer,
  sm2PublicKeyToPem,
} from './pem.js';

// Written by OpenSSL 3.0: `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2`,
// `openssl pkey -pubout` and `openssl ec` (SEC1, which OpenSSL 3 labels SM2 PRIVATE KEY).
const OPENSSL_PKCS8 = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgJHNknRZHNedcZX99
nRXdbTbDpksA5fj7bS8AAvS2vK2hRANCAARzPhGu45k22jSHukBCx2z2NFFKiMMm
TfML49+R1N8/2LK84+C5kyGT+Tt4mRnjMpBaq5PtSFRxxqmG97lQhhJg
-----END PRIVATE KEY-----
`;
const OPENSSL_SEC1 = `-----BEGIN SM2 PRIVATE KEY-----
MHcCAQEEICRzZJ0WRzXnXGV/fZ0V3W02w6ZLAOX4+20vAAL0trytoAoGCCqBHM9V
AYItoUQDQgAEcz4RruOZNto0h7pAQsds9jRRSojDJk3zC+PfkdTfP9iyvOPguZMh
k/k7eJkZ4zKQWquT7UhUccaphve5UIYSYA==
-----END SM2 PRIVATE KEY-----
`;
const OPENSSL_SPKI = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEcz4RruOZNto0h7pAQsds9jRRSojD
Jk3zC+PfkdTfP9iyvOPguZMhk/k7eJkZ4zKQWquT7UhUccaphve5UIYSYA==
-----END PUBLIC KEY-----
`;
const PRIVATE_HEX = '2473649d164735e75c657f7d9d15dd6d36c3a64b00e5f8fb6d2f0002f4b6bcad';
const PUBLIC_HEX =
  '04733e11aee39936da3487ba4042c76cf634514a88c3264df30be3df91d4df3f' +
  'd8b2bce3e0b9932193f93b789919e332905aab93ed485471c6a986f7b950861260';
// A NIST P-256 key from `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.
const OPENSSL_P256 = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg06qsm2R1me2wP2Vo
o13ayZFUkK2BEwqDABDhApkumzmhRANCAAS2N0iPZWKCgs/xnMO8gcNzkY87RmRM
uhjDtzlHpbhfIP3SFajnOCsdS0a6wgSrDot2QXVrs+QEN6cO54AtawzD
-----END PRIVATE KEY-----
`;

describe('OpenSSL key files', () => {
  it('reads PKCS#8, SEC1 (either label) and SPKI', () => {
    expect(bytesToHex(sm2PrivateKeyFromPem(OPENSSL_PKCS8))).toBe(PRIVATE_HEX);
    expect(bytesToHex(sm2PrivateKeyFromPem(OPENSSL_SEC1))).toBe(PRIVATE_HEX);
    expect(bytesToHex(sm2PrivateKeyFromPem(OPENSSL_SEC1.replaceAll('SM2 PRIVATE', 'EC PRIVATE')))).toBe(
      PRIVATE_HEX,
    );
    expect(bytesToHex(sm2PublicKeyFromPem(OPENSSL_SPKI))).toBe(PUBLIC_HEX);
  });

  it('writes them byte for byte as OpenSSL does', () => {
    expect(sm2PrivateKeyToPem(hexToBytes(PRIVATE_HEX))).toBe(OPENSSL_PKCS8);
    expect(sm2PublicKeyToPem(hexToBytes(PUBLIC_HEX))).toBe(OPENSSL_SPKI);
    expect(sm2PublicKeyToPem(sm2CompressPublicKey(hexToBytes(PUBLIC_HEX)))).toBe(OPENSSL_SPKI);
  });

  it('skips other blocks such as SM2 PARAMETERS', () => {
    const withParameters = `-----BEGIN SM2 PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END SM2 PARAMETERS-----\n${OPENSSL_PKCS8}`;
    expect(bytesToHex(sm2PrivateKeyFromPem(withParameters))).toBe(PRIVATE_HEX);
  });
});

describe('key file errors', () => {
  it('rejects other curves, encrypted keys and wrong block types with TypeError', () => {
    expect(() => sm2PrivateKeyFromPem(OPENSSL_P256)).toThrow(
      /not an SM2 key: its curve is 1\.2\.840\.10045\.3\.1\.7/,
    );
    expect(() =>
      sm2PrivateKeyFromPem(
        '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n',
      ),
    ).toThrow(/encrypted private keys are not supported/);
    expect(() => sm2PublicKeyFromPem(OPENSSL_PKCS8)).toThrow(/no "PUBLIC KEY" block \(found "PRIVATE KEY"\)/);
    expect(() => sm2PrivateKeyFromPem('not a key')).toThrow(TypeError);
    expect(() => sm2PrivateKeyFromPem(OPENSSL_PKCS8.replace('MIGH', 'M!GH'))).toThrow(/not valid base64/);
  });

  it('rejects a private key whose embedded public key does not match', () => {
    const der = sm2PrivateKeyToDer(hexToBytes(PRIVATE_HEX));
    const tampered = der.slice();
    tampered[tampered.length - 1]! ^= 1; // last byte of y: the point leaves the curve
    expect(() => sm2PrivateKeyFromDer(tampered)).toThrow(TypeError);
    const otherPublic = sm2GenerateKeyPair().publicKey;
    const swapped = der.slice();
    swapped.set(otherPublic, der.length - 65);
    expect(() => sm2PrivateKeyFromDer(swapped)).toThrow(/does not match/);
  });

  it('rejects truncated or padded DER', () => {
    const der = sm2PublicKeyToDer(hexToBytes(PUBLIC_HEX));
    expect(() => sm2PublicKeyFromDer(der.subarray(0, der.length - 1))).toThrow(/malformed DER/);
    const padded = new Uint8Array(der.length + 1);
    padded.set(der);
    expect(() => sm2PublicKeyFromDer(padded)).toThrow(/unexpected data/);
  });
});

describe('key file round trips', () => {
  it('PEM and DER give back the same keys', () => {
    fc.assert(
      fc.property(fc.integer(), () => {
        const { privateKey, publicKey } = sm2GenerateKeyPair();
        expect(sm2PrivateKeyFromPem(sm2PrivateKeyToPem(privateKey))).toEqual(privateKey);
        expect(sm2PrivateKeyFromDer(sm2PrivateKeyToDer(privateKey))).toEqual(privateKey);
        expect(sm2PublicKeyFromPem(sm2PublicKeyToPem(publicKey))).toEqual(publicKey);
        expect(sm2PublicKeyFromDer(sm2PublicKeyToDer(publicKey))).toEqual(sm2GetPublicKey(privateKey));
      }),
      { numRuns: 25 },
    );
  });
});
