import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backend as pureBackend } from './backend/browser.js';
import { backend as nodeBackend } from './backend/node.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from './bytes.js';
import { opensslHmacSm3, opensslSm3 } from './openssl.test-helpers.js';
import { Sm3Pure, sm3Pure } from './pure/sm3.js';
import { hmacSm3, sm3 } from './sm3.js';

// GB/T 32905-2016 Appendix A.1 and A.2.
const ABC_DIGEST = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';
const ABCD16_DIGEST = 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732';
const EMPTY_DIGEST = '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b';

describe.each([nodeBackend, pureBackend])('SM3, $name backend', (backend) => {
  it('matches the GB/T 32905 vectors', () => {
    expect(bytesToHex(backend.sm3(utf8ToBytes('abc')))).toBe(ABC_DIGEST);
    expect(bytesToHex(backend.sm3(utf8ToBytes('abcd'.repeat(16))))).toBe(ABCD16_DIGEST);
    expect(bytesToHex(backend.sm3(new Uint8Array(0)))).toBe(EMPTY_DIGEST);
  });

  it('matches the openssl CLI at every padding boundary (lengths 0–200)', () => {
    const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
    const lengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 200];
    for (const n of lengths) {
      expect(bytesToHex(backend.sm3(data.subarray(0, n))), `length ${n}`).toBe(
        bytesToHex(opensslSm3(data.subarray(0, n))),
      );
    }
  });

  it('returns a plain 32-byte Uint8Array that owns its memory', () => {
    const digest = backend.sm3(utf8ToBytes('abc'));
    expect(Object.getPrototypeOf(digest)).toBe(Uint8Array.prototype);
    expect(digest.length).toBe(32);
    expect(digest.buffer.byteLength).toBe(32);
  });

  it('HMAC-SM3 matches `openssl mac` for empty, short, 64-byte and long keys', () => {
    const message = utf8ToBytes('what do ya want for nothing?');
    for (const keyLength of [0, 4, 32, 63, 64, 65, 131]) {
      const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 7 + 1) & 0xff);
      expect(bytesToHex(backend.hmacSm3(key, message)), `key length ${keyLength}`).toBe(
        opensslHmacSm3(key, message),
      );
    }
  });
});

describe('pure SM3 against the node backend', () => {
  it('agrees on random messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(bytesToHex(pureBackend.sm3(data))).toBe(bytesToHex(nodeBackend.sm3(data)));
      }),
    );
  });

  it('agrees on random HMAC keys and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), (key, data) => {
        expect(bytesToHex(pureBackend.hmacSm3(key, data))).toBe(bytesToHex(nodeBackend.hmacSm3(key, data)));
      }),
    );
  });

  it('hashes the same however the message is split across update() calls', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const hasher = new Sm3Pure();
        let from = 0;
        for (const p of [...points, data.length]) {
          hasher.update(data.subarray(from, p));
          from = p;
        }
        expect(bytesToHex(hasher.digest())).toBe(bytesToHex(sm3Pure(data)));
      }),
    );
  });

  it('refuses to be used after digest()', () => {
    const hasher = new Sm3Pure().update(utf8ToBytes('abc'));
    hasher.digest();
    expect(() => hasher.update(new Uint8Array(1))).toThrow(
      'SM3 digest() was already called on this instance',
    );
    expect(() => hasher.digest()).toThrow('SM3 digest() was already called on this instance');
  });
});

describe('public sm3 / hmacSm3', () => {
  it('uses the vectors through #backend', () => {
    expect(bytesToHex(sm3(utf8ToBytes('abc')))).toBe(ABC_DIGEST);
    expect(bytesToHex(hmacSm3(hexToBytes('4a656665'), utf8ToBytes('what do ya want for nothing?')))).toBe(
      opensslHmacSm3(hexToBytes('4a656665'), utf8ToBytes('what do ya want for nothing?')),
    );
  });

  it('throws a TypeError for non-bytes', () => {
    expect(() => sm3('abc' as unknown as Uint8Array)).toThrow(
      new TypeError('data must be a Uint8Array, got string'),
    );
    expect(() => hmacSm3(null as unknown as Uint8Array, new Uint8Array(0))).toThrow(
      new TypeError('key must be a Uint8Array, got null'),
    );
  });
});
