import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../bytes.js';
import {
  DerReader,
  derBitString,
  derOctetString,
  derOid,
  derSequence,
  derUnsignedInteger,
  readTopLevelSequence,
} from './der.js';

const hex = (bytes: Uint8Array) => bytesToHex(bytes).toUpperCase();
const reader = (h: string) => new DerReader(hexToBytes(h));

describe('DER writer', () => {
  it('encodes minimal non-negative INTEGERs', () => {
    expect(hex(derUnsignedInteger(0n))).toBe('020100');
    expect(hex(derUnsignedInteger(127n))).toBe('02017F');
    expect(hex(derUnsignedInteger(128n))).toBe('02020080');
    expect(hex(derUnsignedInteger(256n))).toBe('02020100');
    expect(hex(derUnsignedInteger(hexToBytes('000001')))).toBe('020101');
    expect(hex(derUnsignedInteger((1n << 256n) - 1n))).toBe('022100' + 'FF'.repeat(32));
    expect(() => derUnsignedInteger(-1n)).toThrow(RangeError);
  });

  it('encodes OIDs, strings and long lengths', () => {
    expect(hex(derOid('1.2.156.10197.1.301'))).toBe('06082A811CCF5501822D');
    expect(hex(derOid('1.2.840.10045.2.1'))).toBe('06072A8648CE3D0201');
    expect(hex(derBitString(hexToBytes('04')))).toBe('03020004');
    expect(hex(derOctetString(new Uint8Array(200))).slice(0, 6)).toBe('0481C8');
    expect(hex(derSequence(derOctetString(new Uint8Array(300)))).slice(0, 8)).toBe('30820130');
    expect(() => derOid('1')).toThrow(TypeError);
    expect(() => derOid('1.2.x')).toThrow(TypeError);
  });
});

describe('DER reader', () => {
  it('reads what the writer writes', () => {
    const der = derSequence(
      derUnsignedInteger(300n),
      derOid('1.2.156.10197.1.301'),
      derOctetString(hexToBytes('AB')),
    );
    const seq = readTopLevelSequence(der, 'test');
    expect(seq.readUnsignedInteger()).toBe(300n);
    expect(seq.readOid()).toBe('1.2.156.10197.1.301');
    expect(hex(seq.readOctetString())).toBe('AB');
    expect(seq.done).toBe(true);
    expect(reader('06072A8648CE3D0201').readOid()).toBe('1.2.840.10045.2.1');
    expect(reader('0603813403').readOid()).toBe('2.100.3');
  });

  it('rejects non-DER encodings with TypeError naming the offset', () => {
    expect(() => reader('02020001').readUnsignedInteger()).toThrow(/non-minimal INTEGER at byte 0/);
    expect(() => reader('020180').readUnsignedInteger()).toThrow(/negative/);
    expect(() => reader('0200').readUnsignedInteger()).toThrow(/empty/);
    expect(() => reader('3080').readSequence()).toThrow(/indefinite length/);
    expect(() => reader('04810100').readOctetString()).toThrow(/non-minimal length/);
    expect(() => reader('0405AABB').readOctetString()).toThrow(/runs past the end/);
    expect(() => reader('04').readOctetString()).toThrow(/missing length/);
    expect(() => reader('020101').readOctetString()).toThrow(
      /expected OCTET STRING \(tag 0x4\), found tag 0x2/,
    );
    expect(() => reader('').readSequence()).toThrow(/found end of input/);
    expect(() => reader('03020104').readBitString()).toThrow(/zero unused bits/);
    expect(() => reader('06022A81').readOid()).toThrow(/truncated/);
    expect(() => reader('1F0100').readElement()).toThrow(/multi-byte tags/);
    expect(() => readTopLevelSequence(hexToBytes('300000'), 'x')).toThrow(
      /unexpected data after x at byte 2/,
    );
    const inner = readTopLevelSequence(hexToBytes('3006020101020102'), 'x');
    inner.readUnsignedInteger();
    expect(() => inner.end('first')).toThrow(/unexpected data after first at byte 5/);
  });
});
