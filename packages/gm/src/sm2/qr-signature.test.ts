import { describe, expect, it } from 'vitest';
import { asciiToBytes, hexToBytes } from '../bytes.js';
import { parseQrText, qrSigningPayload } from '../qr.js';
import { sm2GenerateKeyPair } from './keys.js';
import { signQrPayload, verifyQrSignature } from './qr-signature.js';
import { sm2PreparePrivateKey, sm2PreparePublicKey, sm2Verify } from './signature.js';

const EHC_ID = '98FF9F2C05145CB9305E9D8A57E072BB51180CA49E5BE5E9D41BCE3A9A571928';
const VALIDITY = '0123456789ABCDEF0123456789ABCDEF';

describe('QR code signatures', () => {
  const node = sm2GenerateKeyPair();

  it('signs the payload as 128 uppercase hex characters that the QR parser accepts', () => {
    const payload = qrSigningPayload({ kind: 'dynamic', ehcId: EHC_ID, validity: VALIDITY, node: '370100' });
    const signature = signQrPayload(node.privateKey, payload);
    expect(signature).toMatch(/^[0-9A-F]{128}$/);
    const code = parseQrText(`${payload}:${signature}`);
    expect(code.kind).toBe('dynamic');
    if (code.kind === 'temporary') throw new Error('unreachable');
    expect(verifyQrSignature(node.publicKey, code.signedPayload!, code.signature!)).toBe(true);
    expect(verifyQrSignature(sm2PreparePublicKey(node.publicKey), code.signedPayload!, code.signature!)).toBe(
      true,
    );
    // It is a plain SM2 signature over the ASCII bytes, default user ID.
    expect(sm2Verify(node.publicKey, asciiToBytes(payload), hexToBytes(signature))).toBe(true);
  });

  it('signs static codes with a prepared key', () => {
    const payload = qrSigningPayload({ kind: 'static', ehcId: EHC_ID, node: '370100-01' });
    const signature = signQrPayload(sm2PreparePrivateKey(node.privateKey), payload);
    expect(verifyQrSignature(node.publicKey, payload, signature)).toBe(true);
  });

  it('returns false for another payload, a flipped signature bit or a malformed signature field', () => {
    const payload = `${EHC_ID}:1::370100`;
    const signature = signQrPayload(node.privateKey, payload);
    expect(verifyQrSignature(node.publicKey, `${EHC_ID}:1::370101`, signature)).toBe(false);
    const flipped = (Number.parseInt(signature[0]!, 16) ^ 1).toString(16).toUpperCase() + signature.slice(1);
    expect(verifyQrSignature(node.publicKey, payload, flipped)).toBe(false);
    expect(verifyQrSignature(node.publicKey, payload, signature.toLowerCase())).toBe(false);
    expect(verifyQrSignature(node.publicKey, payload, signature.slice(2))).toBe(false);
    expect(verifyQrSignature(node.publicKey, `${payload}é`, signature)).toBe(false);
    expect(verifyQrSignature(sm2GenerateKeyPair().publicKey, payload, signature)).toBe(false);
  });

  it('throws on misuse', () => {
    expect(() => signQrPayload(node.privateKey, 'é')).toThrow(TypeError);
    expect(() => signQrPayload(node.privateKey.subarray(1), 'A')).toThrow(RangeError);
    expect(() => verifyQrSignature(node.publicKey.subarray(1), 'A', 'B')).toThrow(RangeError);
    expect(() => verifyQrSignature(node.publicKey, 'A', 42 as unknown as string)).toThrow(TypeError);
  });
});
