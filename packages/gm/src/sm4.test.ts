import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backend as pureBackend } from './backend/browser.js';
import { backend as nodeBackend } from './backend/node.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from './bytes.js';
import { opensslSm4 } from './openssl.test-helpers.js';
import { expandSm4Key, SM4_SBOX } from './pure/sm4.js';
import {
  createSm4Cipher,
  Sm4PaddingError,
  sm4DecryptCbc,
  sm4DecryptEcb,
  sm4EncryptCbc,
  sm4EncryptEcb,
} from './sm4.js';

// GB/T 32907-2016 Appendix A: key = plaintext = 0123456789abcdeffedcba9876543210.
const VECTOR_KEY = hexToBytes('0123456789abcdeffedcba9876543210');
const VECTOR_ONE_BLOCK = '681edf34d206965e86b3e94f536e4246';
const VECTOR_MILLION = '595298c7c6fd271f0402f804c33d3f66';
const skipSlow = process.env['EHC_SKIP_SLOW'] === '1';

const block = fc.uint8Array({ minLength: 16, maxLength: 16 });
const wholeBlocks = fc
  .integer({ min: 0, max: 20 })
  .chain((n) => fc.uint8Array({ minLength: 16 * n, maxLength: 16 * n }));

describe('pure SM4 tables', () => {
  it('has an S-box that is a permutation of 0..255', () => {
    expect(new Set(SM4_SBOX).size).toBe(256);
  });

  it('expands the Appendix A key into the published round keys', () => {
    const rk = expandSm4Key(VECTOR_KEY, false);
    expect((rk[0]! >>> 0).toString(16)).toBe('f12186f9');
    expect((rk[31]! >>> 0).toString(16)).toBe('9124a012');
    expect([...expandSm4Key(VECTOR_KEY, true)]).toEqual([...rk].reverse());
  });
});

describe.each([nodeBackend, pureBackend])('SM4, $name backend', (backend) => {
  it('encrypts and decrypts the GB/T 32907 single-block vector', () => {
    expect(bytesToHex(backend.sm4EcbEncrypt(VECTOR_KEY, VECTOR_KEY))).toBe(VECTOR_ONE_BLOCK);
    expect(bytesToHex(backend.sm4EcbDecrypt(VECTOR_KEY, hexToBytes(VECTOR_ONE_BLOCK)))).toBe(
      bytesToHex(VECTOR_KEY),
    );
    const keyed = backend.createSm4(VECTOR_KEY);
    expect(bytesToHex(keyed.ecbEncrypt(VECTOR_KEY))).toBe(VECTOR_ONE_BLOCK);
  });

  it.skipIf(skipSlow)('reaches the 1,000,000-iteration vector and back', () => {
    const keyed = backend.createSm4(VECTOR_KEY);
    let x = VECTOR_KEY;
    for (let i = 0; i < 1_000_000; i++) x = keyed.ecbEncrypt(x);
    expect(bytesToHex(x)).toBe(VECTOR_MILLION);
    for (let i = 0; i < 1_000_000; i++) x = keyed.ecbDecrypt(x);
    expect(bytesToHex(x)).toBe(bytesToHex(VECTOR_KEY));
  });

  it('matches `openssl enc -sm4-ecb/-sm4-cbc -nopad` on random multi-block data', () => {
    fc.assert(
      fc.property(block, block, wholeBlocks, (key, iv, data) => {
        expect(bytesToHex(backend.sm4EcbEncrypt(key, data))).toBe(
          bytesToHex(opensslSm4('ecb', 'encrypt', key, undefined, data, true)),
        );
        const cbc = backend.sm4CbcEncrypt(key, iv, data);
        expect(bytesToHex(cbc)).toBe(bytesToHex(opensslSm4('cbc', 'encrypt', key, iv, data, true)));
        expect(bytesToHex(backend.sm4CbcDecrypt(key, iv, cbc))).toBe(bytesToHex(data));
      }),
      { numRuns: 25 },
    );
  });

  it('keyed cipher: successive calls with different IVs equal fresh one-shot calls', () => {
    // One long-lived cipher per run, so calls chain on state left by the previous call.
    fc.assert(
      fc.property(
        block,
        fc.array(fc.tuple(fc.constantFrom('ecb', 'cbc'), block, wholeBlocks), { maxLength: 8 }),
        (key, calls) => {
          const keyed = backend.createSm4(key);
          for (const [mode, iv, data] of calls) {
            if (mode === 'ecb') {
              const c = keyed.ecbEncrypt(data);
              expect(bytesToHex(c)).toBe(bytesToHex(backend.sm4EcbEncrypt(key, data)));
              expect(bytesToHex(keyed.ecbDecrypt(c))).toBe(bytesToHex(data));
            } else {
              const c = keyed.cbcEncrypt(iv, data);
              expect(bytesToHex(c)).toBe(bytesToHex(backend.sm4CbcEncrypt(key, iv, data)));
              expect(bytesToHex(keyed.cbcDecrypt(iv, c))).toBe(bytesToHex(data));
            }
          }
        },
      ),
    );
  });

  it('keyed cipher does not modify its inputs', () => {
    const keyed = backend.createSm4(VECTOR_KEY);
    const iv = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const data = hexToBytes('00112233445566778899aabbccddeeff'.repeat(2));
    const ivCopy = iv.slice();
    const dataCopy = data.slice();
    keyed.cbcDecrypt(iv, keyed.cbcEncrypt(iv, data));
    keyed.cbcEncrypt(iv, data);
    keyed.cbcDecrypt(iv, data);
    expect(iv).toEqual(ivCopy);
    expect(data).toEqual(dataCopy);
  });

  it('keyed cipher handles an IV that overlaps the data, and data in shared memory', () => {
    const keyed = backend.createSm4(VECTOR_KEY);
    const buffer = hexToBytes('00112233445566778899aabbccddeeff'.repeat(3));
    const iv = buffer.subarray(0, 16);
    const expected = bytesToHex(backend.sm4CbcEncrypt(VECTOR_KEY, iv.slice(), buffer.slice()));
    expect(bytesToHex(keyed.cbcEncrypt(iv, buffer))).toBe(expected);
    expect(bytesToHex(keyed.cbcEncrypt(iv, buffer))).toBe(expected);
    expect(bytesToHex(buffer)).toBe('00112233445566778899aabbccddeeff'.repeat(3));
    const shared = new Uint8Array(new SharedArrayBuffer(48));
    shared.set(buffer);
    expect(bytesToHex(keyed.cbcEncrypt(iv, shared))).toBe(expected);
    expect(bytesToHex(shared)).toBe(bytesToHex(buffer));
    expect(bytesToHex(keyed.cbcDecrypt(iv, hexToBytes(expected)))).toBe(bytesToHex(buffer));
  });
});

describe('pure SM4 against the node backend', () => {
  it('agrees on random keys, IVs and data', () => {
    fc.assert(
      fc.property(block, block, wholeBlocks, (key, iv, data) => {
        expect(bytesToHex(pureBackend.sm4EcbEncrypt(key, data))).toBe(
          bytesToHex(nodeBackend.sm4EcbEncrypt(key, data)),
        );
        expect(bytesToHex(pureBackend.sm4EcbDecrypt(key, data))).toBe(
          bytesToHex(nodeBackend.sm4EcbDecrypt(key, data)),
        );
        expect(bytesToHex(pureBackend.sm4CbcEncrypt(key, iv, data))).toBe(
          bytesToHex(nodeBackend.sm4CbcEncrypt(key, iv, data)),
        );
        expect(bytesToHex(pureBackend.sm4CbcDecrypt(key, iv, data))).toBe(
          bytesToHex(nodeBackend.sm4CbcDecrypt(key, iv, data)),
        );
      }),
    );
  });
});

describe('public SM4 API', () => {
  const key = hexToBytes('8a1d7c3e5b9f00112233445566778899');
  const iv = hexToBytes('0f0e0d0c0b0a09080706050403020100');

  it('pads with PKCS#7 by default, exactly as `openssl enc` does', () => {
    for (let n = 0; n <= 33; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => i + 1);
      const ecb = sm4EncryptEcb(key, data);
      expect(ecb.length).toBe(16 * (Math.floor(n / 16) + 1));
      expect(bytesToHex(ecb)).toBe(bytesToHex(opensslSm4('ecb', 'encrypt', key, undefined, data)));
      expect(bytesToHex(sm4DecryptEcb(key, ecb))).toBe(bytesToHex(data));
      const cbc = sm4EncryptCbc(key, iv, data);
      expect(bytesToHex(cbc)).toBe(bytesToHex(opensslSm4('cbc', 'encrypt', key, iv, data)));
      expect(bytesToHex(sm4DecryptCbc(key, iv, cbc))).toBe(bytesToHex(data));
    }
  });

  it('decrypts what `openssl enc` encrypted', () => {
    const data = utf8ToBytes('{"ehealth_card_id":"98FF9F2C","name":"张三"}');
    expect(sm4DecryptEcb(key, opensslSm4('ecb', 'encrypt', key, undefined, data))).toEqual(data);
    expect(sm4DecryptCbc(key, iv, opensslSm4('cbc', 'encrypt', key, iv, data))).toEqual(data);
  });

  it("with padding 'none' encrypts whole blocks only", () => {
    expect(bytesToHex(sm4EncryptEcb(VECTOR_KEY, VECTOR_KEY, { padding: 'none' }))).toBe(VECTOR_ONE_BLOCK);
    expect(sm4EncryptEcb(key, new Uint8Array(0), { padding: 'none' })).toEqual(new Uint8Array(0));
    expect(() => sm4EncryptEcb(key, new Uint8Array(17), { padding: 'none' })).toThrow(
      new RangeError("with padding 'none' the data length must be a multiple of 16 bytes, got 17"),
    );
    expect(() => sm4EncryptCbc(key, iv, new Uint8Array(15), { padding: 'none' })).toThrow(RangeError);
  });

  it('round-trips random data in both modes and both paddings, one-shot and keyed', () => {
    const cipher = createSm4Cipher(key);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), block, (data, randomIv) => {
        expect(sm4DecryptEcb(key, sm4EncryptEcb(key, data))).toEqual(data);
        expect(sm4DecryptCbc(key, randomIv, sm4EncryptCbc(key, randomIv, data))).toEqual(data);
        expect(cipher.encryptEcb(data)).toEqual(sm4EncryptEcb(key, data));
        expect(cipher.decryptEcb(cipher.encryptEcb(data))).toEqual(data);
        expect(cipher.encryptCbc(randomIv, data)).toEqual(sm4EncryptCbc(key, randomIv, data));
        expect(cipher.decryptCbc(randomIv, cipher.encryptCbc(randomIv, data))).toEqual(data);
        const whole = data.subarray(0, data.length - (data.length % 16));
        expect(
          sm4DecryptEcb(key, sm4EncryptEcb(key, whole, { padding: 'none' }), { padding: 'none' }),
        ).toEqual(whole);
        expect(
          cipher.decryptCbc(randomIv, cipher.encryptCbc(randomIv, whole, { padding: 'none' }), {
            padding: 'none',
          }),
        ).toEqual(whole);
      }),
    );
  });

  it('throws Sm4PaddingError for every kind of bad PKCS#7 padding', () => {
    const lastBlocks = [
      '000102030405060708090a0b0c0d0e00', // pad length 0
      '000102030405060708090a0b0c0d0e11', // pad length 17
      '0102030405060708090a0b0c0d0e0fff', // pad length 255
      '000102030405060708090a0b0c0d0102', // 2 announced, one byte is 01
      '000102030405060708090a0b0c03ff03', // 3 announced, middle byte wrong
      '0f101010101010101010101010101010', // 16 announced, first byte wrong
    ];
    for (const hex of lastBlocks) {
      const forged = sm4EncryptEcb(key, hexToBytes('aa'.repeat(16) + hex), { padding: 'none' });
      expect(() => sm4DecryptEcb(key, forged), hex).toThrow(Sm4PaddingError);
      const forgedCbc = sm4EncryptCbc(key, iv, hexToBytes(hex), { padding: 'none' });
      expect(() => sm4DecryptCbc(key, iv, forgedCbc), hex).toThrow(Sm4PaddingError);
      expect(() => createSm4Cipher(key).decryptEcb(forged), hex).toThrow(Sm4PaddingError);
    }
    const error = (() => {
      try {
        sm4DecryptEcb(key, sm4EncryptEcb(key, hexToBytes(lastBlocks[0]!), { padding: 'none' }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Sm4PaddingError);
    expect((error as Error).name).toBe('Sm4PaddingError');
    expect((error as Error).message).toMatch(/invalid PKCS#7 padding: the key or IV is wrong/);
  });

  it('accepts every valid PKCS#7 padding length, including a whole block of 0x10', () => {
    for (let pad = 1; pad <= 16; pad++) {
      const plain = new Uint8Array(32).fill(0xaa);
      plain.fill(pad, 32 - pad);
      const c = sm4EncryptEcb(key, plain, { padding: 'none' });
      expect(sm4DecryptEcb(key, c)).toEqual(new Uint8Array(32 - pad).fill(0xaa));
    }
  });

  it('throws Sm4PaddingError when decrypting with the wrong key', () => {
    const c = sm4EncryptEcb(key, utf8ToBytes('hello'));
    // This wrong key happens to give a last byte outside 1..16; fixed so the test is deterministic.
    const wrongKey = hexToBytes('00000000000000000000000000000000');
    expect(sm4DecryptEcb(wrongKey, c, { padding: 'none' })[15]!).toBeGreaterThan(16);
    expect(() => sm4DecryptEcb(wrongKey, c)).toThrow(Sm4PaddingError);
  });

  it('rejects bad sizes with RangeError and bad types with TypeError', () => {
    expect(() => sm4EncryptEcb(new Uint8Array(15), new Uint8Array(1))).toThrow(
      new RangeError('SM4 key must be 16 bytes, got 15'),
    );
    expect(() => sm4EncryptCbc(key, new Uint8Array(17), new Uint8Array(1))).toThrow(
      new RangeError('SM4 IV must be 16 bytes, got 17'),
    );
    expect(() => sm4DecryptEcb(key, new Uint8Array(15))).toThrow(
      new RangeError('ciphertext length must be a multiple of 16 bytes, got 15'),
    );
    expect(() => sm4DecryptCbc(key, iv, new Uint8Array(0))).toThrow(
      new RangeError('ciphertext with PKCS#7 padding must be at least one 16-byte block, got 0 bytes'),
    );
    expect(sm4DecryptCbc(key, iv, new Uint8Array(0), { padding: 'none' })).toEqual(new Uint8Array(0));
    expect(() => createSm4Cipher(new Uint8Array(32))).toThrow(RangeError);
    expect(() => createSm4Cipher(key).decryptCbc(new Uint8Array(8), new Uint8Array(16))).toThrow(RangeError);
    expect(() => sm4EncryptEcb('0123456789abcdef' as unknown as Uint8Array, new Uint8Array(1))).toThrow(
      new TypeError('SM4 key must be a Uint8Array, got string'),
    );
    expect(() => sm4EncryptEcb(key, new Uint8Array(1), { padding: 'zero' as 'none' })).toThrow(
      new TypeError(`padding must be 'pkcs7' or 'none', got "zero"`),
    );
  });
});
