/**
 * The minimal DER (ITU-T X.690) reader and writer SM2 needs: SEQUENCE, INTEGER, OCTET STRING,
 * BIT STRING, OBJECT IDENTIFIER and explicit context tags, for signatures, ciphertexts and the
 * PKCS#8 / SPKI / SEC1 key structures. Strict: definite minimal lengths, minimal INTEGERs, no
 * trailing bytes; anything else throws a `TypeError` naming the offset.
 *
 * @module
 */

import { bytesToHex, concatBytes, hexToBytes } from '../bytes.js';

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;

/** Tag byte of the constructed, context-specific explicit tag [n]. */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

function malformed(what: string, offset: number): TypeError {
  return new TypeError(`malformed DER: ${what} at byte ${offset}`);
}

// ---------------------------------------------------------------------------------------------
// Writer

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV: `tag`, minimal definite length, `content`. */
export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(content.length), content);
}

/** SEQUENCE of already-encoded elements. */
export function derSequence(...elements: Uint8Array[]): Uint8Array {
  return derTlv(TAG_SEQUENCE, concatBytes(...elements));
}

/** Non-negative INTEGER, minimal two's-complement content. */
export function derUnsignedInteger(value: bigint | Uint8Array): Uint8Array {
  let bytes = typeof value === 'bigint' ? hexToBytes(evenHex(value)) : value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Uint8Array.of(0);
  if (bytes[0]! & 0x80) bytes = concatBytes(Uint8Array.of(0), bytes);
  return derTlv(TAG_INTEGER, bytes);
}

function evenHex(value: bigint): string {
  if (value < 0n) throw new RangeError('DER INTEGER writer takes non-negative values only');
  const hex = value.toString(16);
  return hex.length % 2 === 0 ? hex : '0' + hex;
}

/** OCTET STRING. */
export function derOctetString(content: Uint8Array): Uint8Array {
  return derTlv(TAG_OCTET_STRING, content);
}

/** BIT STRING with no unused bits. */
export function derBitString(content: Uint8Array): Uint8Array {
  return derTlv(TAG_BIT_STRING, concatBytes(Uint8Array.of(0), content));
}

/** OBJECT IDENTIFIER from dotted decimal, e.g. `1.2.156.10197.1.301`. */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new TypeError(`invalid OID ${JSON.stringify(dotted)}`);
    return BigInt(arc);
  });
  if (arcs.length < 2) throw new TypeError(`invalid OID ${JSON.stringify(dotted)}`);
  const out: number[] = [];
  const subids = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)];
  for (const subid of subids) {
    const chunk: number[] = [Number(subid & 0x7fn)];
    for (let v = subid >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return derTlv(TAG_OID, Uint8Array.from(out));
}

/** Explicit context tag [n] around one encoded element. */
export function derExplicit(n: number, element: Uint8Array): Uint8Array {
  return derTlv(contextTag(n), element);
}

// ---------------------------------------------------------------------------------------------
// Reader

/** One decoded TLV: its tag, its content and the offset of its first byte in the outer input. */
export interface DerElement {
  readonly tag: number;
  readonly content: Uint8Array;
  readonly offset: number;
}

/**
 * Sequential reader over the elements of one DER content (the top level or a SEQUENCE's content).
 * `base` is the offset of `bytes` in the original input, for error messages.
 */
export class DerReader {
  private position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly base = 0,
  ) {}

  /** True when every element has been read. */
  get done(): boolean {
    return this.position >= this.bytes.length;
  }

  /** Tag of the next element, or undefined at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.bytes[this.position];
  }

  /** Reads the next TLV, whatever its tag. */
  readElement(): DerElement {
    const bytes = this.bytes;
    const start = this.position;
    const at = this.base + start;
    if (start >= bytes.length) throw malformed('unexpected end of input', at);
    const tag = bytes[start]!;
    if ((tag & 0x1f) === 0x1f) throw malformed('multi-byte tags are not supported', at);
    if (start + 1 >= bytes.length) throw malformed('missing length', at + 1);
    let length = bytes[start + 1]!;
    let headerLength = 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0) throw malformed('indefinite length is not DER', at + 1);
      if (count > 4) throw malformed('length too large', at + 1);
      if (start + 2 + count > bytes.length) throw malformed('truncated length', at + 1);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[start + 2 + i]!;
      if (bytes[start + 2] === 0 || length < 0x80) throw malformed('non-minimal length', at + 1);
      headerLength = 2 + count;
    }
    const contentStart = start + headerLength;
    if (contentStart + length > bytes.length) {
      throw malformed(`length ${length} runs past the end of the input`, at + 1);
    }
    this.position = contentStart + length;
    return { tag, content: bytes.subarray(contentStart, contentStart + length), offset: at };
  }

  /** Reads the next element and checks its tag. */
  expect(tag: number, name: string): DerElement {
    const at = this.base + this.position;
    if (this.done) throw malformed(`expected ${name}, found end of input`, at);
    const element = this.readElement();
    if (element.tag !== tag) {
      throw malformed(
        `expected ${name} (tag 0x${tag.toString(16)}), found tag 0x${element.tag.toString(16)}`,
        at,
      );
    }
    return element;
  }

  /** Reads a SEQUENCE and returns a reader over its elements. */
  readSequence(name = 'SEQUENCE'): DerReader {
    const element = this.expect(TAG_SEQUENCE, name);
    return new DerReader(element.content, element.offset + headerSize(element));
  }

  /** Reads a non-negative INTEGER with minimal encoding. */
  readUnsignedInteger(name = 'INTEGER'): bigint {
    const element = this.expect(TAG_INTEGER, name);
    const c = element.content;
    if (c.length === 0) throw malformed(`empty ${name}`, element.offset);
    if (c[0]! & 0x80) throw malformed(`negative ${name}`, element.offset);
    if (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) throw malformed(`non-minimal ${name}`, element.offset);
    return BigInt('0x' + bytesToHex(c));
  }

  /** Reads an OCTET STRING's content. */
  readOctetString(name = 'OCTET STRING'): Uint8Array {
    return this.expect(TAG_OCTET_STRING, name).content;
  }

  /** Reads a BIT STRING with no unused bits and returns its bytes. */
  readBitString(name = 'BIT STRING'): Uint8Array {
    const element = this.expect(TAG_BIT_STRING, name);
    if (element.content.length === 0 || element.content[0] !== 0) {
      throw malformed(`${name} must have zero unused bits`, element.offset);
    }
    return element.content.subarray(1);
  }

  /** Reads an OBJECT IDENTIFIER as dotted decimal. */
  readOid(name = 'OBJECT IDENTIFIER'): string {
    const element = this.expect(TAG_OID, name);
    const c = element.content;
    if (c.length === 0 || c[c.length - 1]! & 0x80) throw malformed(`truncated ${name}`, element.offset);
    const subids: bigint[] = [];
    let value = 0n;
    for (let i = 0; i < c.length; i++) {
      const byte = c[i]!;
      if (value === 0n && byte === 0x80) throw malformed(`non-minimal ${name}`, element.offset);
      value = (value << 7n) | BigInt(byte & 0x7f);
      if (!(byte & 0x80)) {
        subids.push(value);
        value = 0n;
      }
    }
    const first = subids[0]!;
    const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
    return [...head, ...subids.slice(1)].join('.');
  }

  /** If the next element is the explicit tag [n], reads it and returns a reader over its content. */
  readOptionalExplicit(n: number): DerReader | undefined {
    if (this.peekTag() !== contextTag(n)) return undefined;
    const element = this.readElement();
    return new DerReader(element.content, element.offset + headerSize(element));
  }

  /** Throws unless every element has been read. */
  end(name: string): void {
    if (!this.done) throw malformed(`unexpected data after ${name}`, this.base + this.position);
  }
}

function headerSize(element: DerElement): number {
  const length = element.content.length;
  return length < 0x80 ? 2 : 2 + Math.ceil(length.toString(16).length / 2);
}

/** Reads exactly one top-level element of `bytes` as a SEQUENCE; trailing bytes are an error. */
export function readTopLevelSequence(bytes: Uint8Array, name: string): DerReader {
  const outer = new DerReader(bytes);
  const sequence = outer.readSequence(name);
  outer.end(name);
  return sequence;
}
