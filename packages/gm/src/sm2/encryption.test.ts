import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../bytes.js';
import {
  Sm2DecryptionError,
  sm2C1C2C3ToC1C3C2,
  sm2C1C3C2ToC1C2C3,
  sm2C1C3C2ToDer,
  sm2Decrypt,
  sm2DerToC1C3C2,
  sm2Encrypt,
  sm2EncryptWithNonce,
  sm2Kdf,
} from './encryption.js';
import { sm2GenerateKeyPair, sm2PrivateKeyFromHex } from './keys.js';
import { sm2PreparePrivateKey, sm2PreparePublicKey } from './signature.js';
import {
  ANNEX_ENCRYPTION,
  ANNEX_K,
  ANNEX_PRIVATE_KEY,
  ANNEX_PUBLIC_KEY,
} from './test-vectors.test-helpers.js';

const privateKey = sm2PrivateKeyFromHex(ANNEX_PRIVATE_KEY);
const publicKey = hexToBytes(ANNEX_PUBLIC_KEY);
const message = utf8ToBytes(ANNEX_ENCRYPTION.message);
const { c1, c2, c3 } = ANNEX_ENCRYPTION;
/** The Annex C values in GM/T 0009 DER, as OpenSSL's and GmSSL's test suites encode them. */
const ANNEX_DER = '307C0220' + c1.slice(2, 66) + '022100' + c1.slice(66) + '0420' + c3 + '0413' + c2;

describe('GB/T 32918.5 Annex C encryption example', () => {
  it('reproduces C1 ‖ C3 ‖ C2 with the published k', () => {
    expect(bytesToHex(sm2EncryptWithNonce(publicKey, message, ANNEX_K)).toUpperCase()).toBe(c1 + c3 + c2);
  });

  it('writes the other layouts', () => {
    expect(
      bytesToHex(sm2EncryptWithNonce(publicKey, message, ANNEX_K, { format: 'c1c2c3' })).toUpperCase(),
    ).toBe(c1 + c2 + c3);
    expect(
      bytesToHex(sm2EncryptWithNonce(publicKey, message, ANNEX_K, { format: 'der' })).toUpperCase(),
    ).toBe(ANNEX_DER);
  });

  it('decrypts the published ciphertext in every layout', () => {
    expect(sm2Decrypt(privateKey, hexToBytes(c1 + c3 + c2))).toEqual(message);
    expect(sm2Decrypt(privateKey, hexToBytes(c1 + c2 + c3), { format: 'c1c2c3' })).toEqual(message);
    expect(sm2Decrypt(privateKey, hexToBytes(ANNEX_DER), { format: 'der' })).toEqual(message);
    expect(sm2Decrypt(sm2PreparePrivateKey(privateKey), hexToBytes(c1 + c3 + c2))).toEqual(message);
  });
});

describe('sm2Decrypt errors', () => {
  const ciphertext = hexToBytes(c1 + c3 + c2);

  it('rejects an altered C2 or C3, or the wrong key, with C3_MISMATCH', () => {
    for (const index of [ciphertext.length - 1, 65 + 5]) {
      const altered = ciphertext.slice();
      altered[index]! ^= 1;
      expect(() => sm2Decrypt(privateKey, altered)).toThrow(
        expect.objectContaining({ name: 'Sm2DecryptionError', code: 'C3_MISMATCH' }),
      );
    }
    const other = sm2GenerateKeyPair().privateKey;
    expect(() => sm2Decrypt(other, ciphertext)).toThrow(Sm2DecryptionError);
  });

  it('rejects a C1 off the curve with C1_NOT_ON_CURVE', () => {
    const altered = ciphertext.slice();
    altered[10]! ^= 1;
    expect(() => sm2Decrypt(privateKey, altered)).toThrow(
      expect.objectContaining({ code: 'C1_NOT_ON_CURVE' }),
    );
  });

  it('throws RangeError/TypeError on malformed input', () => {
    expect(() => sm2Decrypt(privateKey, ciphertext.subarray(0, 97))).toThrow(RangeError);
    expect(() => sm2Decrypt(privateKey, new Uint8Array(0))).toThrow(RangeError);
    const badPrefix = ciphertext.slice();
    badPrefix[0] = 0x05;
    expect(() => sm2Decrypt(privateKey, badPrefix)).toThrow(TypeError);
    expect(() => sm2Decrypt(privateKey, ciphertext, { format: 'der' })).toThrow(TypeError);
    expect(() => sm2Decrypt(privateKey, ciphertext, { format: 'xyz' as never })).toThrow(TypeError);
    expect(() => sm2Encrypt(publicKey, new Uint8Array(0))).toThrow(RangeError);
    expect(() => sm2Encrypt(publicKey.subarray(1), message)).toThrow(RangeError);
  });
});

describe('sm2Kdf', () => {
  it('is SM3(Z ‖ counter) concatenated and truncated', () => {
    const z = utf8ToBytes('shared');
    const long = sm2Kdf(z, 100);
    expect(sm2Kdf(z, 33)).toEqual(long.subarray(0, 33));
    expect(sm2Kdf(z, 0)).toEqual(new Uint8Array(0));
  });
});

describe('encryption properties', () => {
  const keys = sm2GenerateKeyPair();
  const preparedPublic = sm2PreparePublicKey(keys.publicKey);

  it('decrypts what it encrypts, in every layout', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.constantFrom('c1c3c2', 'c1c2c3', 'der') as fc.Arbitrary<'c1c3c2' | 'c1c2c3' | 'der'>,
        (plaintext, format) => {
          const ciphertext = sm2Encrypt(preparedPublic, plaintext, { format });
          expect(sm2Decrypt(keys.privateKey, ciphertext, { format })).toEqual(plaintext);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('converts between layouts losslessly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (plaintext) => {
        const ciphertext = sm2Encrypt(keys.publicKey, plaintext);
        expect(sm2C1C2C3ToC1C3C2(sm2C1C3C2ToC1C2C3(ciphertext))).toEqual(ciphertext);
        expect(sm2DerToC1C3C2(sm2C1C3C2ToDer(ciphertext))).toEqual(ciphertext);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects any single flipped bit after C1', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(7),
        (plaintext, at, bit) => {
          const ciphertext = sm2Encrypt(keys.publicKey, plaintext);
          const index = 65 + (at % (ciphertext.length - 65));
          ciphertext[index]! ^= 1 << bit;
          expect(() => sm2Decrypt(keys.privateKey, ciphertext)).toThrow(Sm2DecryptionError);
        },
      ),
      { numRuns: 20 },
    );
  });
});
