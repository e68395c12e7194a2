import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../bytes.js';
import { sm2GetPublicKey, sm2PrivateKeyFromHex } from './keys.js';
import {
  SM2_DEFAULT_USER_ID,
  sm2ComputeZa,
  sm2MessageDigest,
  sm2PreparePrivateKey,
  sm2PreparePublicKey,
  sm2Sign,
  sm2SignWithNonce,
  sm2Verify,
} from './signature.js';
import { sm2SignatureToDer } from './signature-format.js';
import {
  ANNEX_K,
  ANNEX_PRIVATE_KEY,
  ANNEX_PUBLIC_KEY,
  ANNEX_SIGNATURE,
} from './test-vectors.test-helpers.js';

const privateKey = sm2PrivateKeyFromHex(ANNEX_PRIVATE_KEY);
const publicKey = hexToBytes(ANNEX_PUBLIC_KEY);
const message = utf8ToBytes(ANNEX_SIGNATURE.message);
const published = hexToBytes(ANNEX_SIGNATURE.r + ANNEX_SIGNATURE.s);

describe('GB/T 32918.5 Annex A signature example', () => {
  it('derives the published public key', () => {
    expect(bytesToHex(sm2GetPublicKey(privateKey)).toUpperCase()).toBe(ANNEX_PUBLIC_KEY);
  });

  it('computes the published Z_A and e', () => {
    expect(bytesToHex(sm2ComputeZa(publicKey)).toUpperCase()).toBe(ANNEX_SIGNATURE.za);
    expect(bytesToHex(sm2ComputeZa(publicKey, SM2_DEFAULT_USER_ID)).toUpperCase()).toBe(ANNEX_SIGNATURE.za);
    expect(bytesToHex(sm2MessageDigest(publicKey, message)).toUpperCase()).toBe(ANNEX_SIGNATURE.e);
  });

  it('reproduces r and s with the published k', () => {
    expect(bytesToHex(sm2SignWithNonce(privateKey, message, ANNEX_K)).toUpperCase()).toBe(
      ANNEX_SIGNATURE.r + ANNEX_SIGNATURE.s,
    );
    const prepared = sm2PreparePrivateKey(privateKey);
    expect(sm2SignWithNonce(prepared, message, ANNEX_K)).toEqual(published);
  });

  it('accepts the published signature, raw and DER, with raw and prepared keys', () => {
    expect(sm2Verify(publicKey, message, published)).toBe(true);
    expect(sm2Verify(publicKey, message, sm2SignatureToDer(published))).toBe(true);
    const prepared = sm2PreparePublicKey(publicKey);
    expect(sm2Verify(prepared, message, published)).toBe(true);
    expect(sm2Verify(prepared, message, sm2SignatureToDer(published), { format: 'der' })).toBe(true);
  });

  it('rejects it for another message, user ID or key', () => {
    expect(sm2Verify(publicKey, utf8ToBytes('message digesT'), published)).toBe(false);
    expect(sm2Verify(publicKey, message, published, { userId: '1234567812345679' })).toBe(false);
    expect(sm2Verify(sm2GetPublicKey(new Uint8Array(32).fill(7)), message, published)).toBe(false);
  });
});

describe('sm2Sign / sm2Verify', () => {
  it('round-trips with random k', () => {
    const signature = sm2Sign(privateKey, message);
    expect(signature.length).toBe(64);
    expect(sm2Verify(publicKey, message, signature)).toBe(true);
  });
});
