/**
 * SM3 cryptographic hash (GB/T 32905-2016) and HMAC-SM3 (RFC 2104 construction with SM3, block
 * size 64 bytes) in plain TypeScript: the browser backend, and the reference the Node backend is
 * tested against. Clause numbers below refer to GB/T 32905-2016.
 *
 * Written for speed: the state lives in local int32 variables, the message expansion in a reused
 * `Int32Array`, and the 64 rotated round constants are precomputed.
 *
 * @module
 */

/** §4.1 initial value IV. */
const IV = Int32Array.of(
  0x7380166f,
  0x4914b2b9,
  0x172442d7,
  0xda8a0600 | 0,
  0xa96f30bc | 0,
  0x163138aa,
  0xe38dee4d | 0,
  0xb0fb0e4e | 0,
);

/** §4.2 constants T_j (0x79cc4519 for j < 16, 0x7a879d8a after), pre-rotated by j mod 32 as §5.3.3 uses them. */
const T_ROTATED = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const n = j % 32;
  T_ROTATED[j] = n === 0 ? t : (t << n) | (t >>> (32 - n));
}

/**
 * SM3 processes 512-bit blocks (§5.2); HMAC-SM3 pads keys to this size.
 *
 * @example
 * SM3_BLOCK_BYTES; // 64
 */
export const SM3_BLOCK_BYTES = 64;
/**
 * SM3 digest size, 256 bits (§5.4).
 *
 * @example
 * sm3Pure(new Uint8Array()).length === SM3_DIGEST_BYTES; // true
 */
export const SM3_DIGEST_BYTES = 32;

/** §5.3.2 message expansion W_0..W_67 (W'_j = W_j ^ W_j+4 is computed inline). Reused between blocks. */
const W = new Int32Array(68);

/**
 * §5.3.3 compression function CF applied to `blocks` consecutive 64-byte blocks of `data`
 * starting at `offset`, updating `state` in place.
 */
function compress(state: Int32Array, data: Uint8Array, offset: number, blocks: number): void {
  const w = W;
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let block = 0; block < blocks; block++, offset += 64) {
    for (let j = 0; j < 16; j++) {
      const o = offset + 4 * j;
      w[j] = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
    }
    for (let j = 16; j < 68; j++) {
      const w3 = w[j - 3]!;
      const x = w[j - 16]! ^ w[j - 9]! ^ ((w3 << 15) | (w3 >>> 17));
      const w13 = w[j - 13]!;
      // P1(X) = X ^ (X <<< 15) ^ (X <<< 23), §4.4
      w[j] = x ^ ((x << 15) | (x >>> 17)) ^ ((x << 23) | (x >>> 9)) ^ ((w13 << 7) | (w13 >>> 25)) ^ w[j - 6]!;
    }
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    const e0 = e;
    const f0 = f;
    const g0 = g;
    const h0 = h;
    // §5.3.3 rounds 0–15: FF_j = X ^ Y ^ Z, GG_j = X ^ Y ^ Z (§4.3).
    for (let j = 0; j < 16; j++) {
      const a12 = (a << 12) | (a >>> 20);
      let ss1 = (a12 + e + T_ROTATED[j]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      const wj = w[j]!;
      const tt1 = ((a ^ b ^ c) + d + (ss1 ^ a12) + (wj ^ w[j + 4]!)) | 0;
      const tt2 = ((e ^ f ^ g) + h + ss1 + wj) | 0;
      d = c;
      c = (b << 9) | (b >>> 23);
      b = a;
      a = tt1;
      h = g;
      g = (f << 19) | (f >>> 13);
      f = e;
      // P0(X) = X ^ (X <<< 9) ^ (X <<< 17), §4.4
      e = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
    }
    // Rounds 16–63: FF_j = majority(X, Y, Z), GG_j = choose(X, Y, Z) (§4.3).
    for (let j = 16; j < 64; j++) {
      const a12 = (a << 12) | (a >>> 20);
      let ss1 = (a12 + e + T_ROTATED[j]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      const wj = w[j]!;
      const tt1 = (((a & b) | (a & c) | (b & c)) + d + (ss1 ^ a12) + (wj ^ w[j + 4]!)) | 0;
      const tt2 = (((e & f) | (~e & g)) + h + ss1 + wj) | 0;
      d = c;
      c = (b << 9) | (b >>> 23);
      b = a;
      a = tt1;
      h = g;
      g = (f << 19) | (f >>> 13);
      f = e;
      e = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
    }
    a ^= a0;
    b ^= b0;
    c ^= c0;
    d ^= d0;
    e ^= e0;
    f ^= f0;
    g ^= g0;
    h ^= h0;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  state[4] = e;
  state[5] = f;
  state[6] = g;
  state[7] = h;
}

/**
 * Incremental SM3. One instance hashes one message: `update` any number of times, then `digest`
 * once.
 *
 * @example
 * const h = new Sm3Pure();
 * h.update(utf8ToBytes('ab'));
 * h.update(utf8ToBytes('c'));
 * bytesToHex(h.digest()); // '66c7f0f4…8f4ba8e0'
 */
export class Sm3Pure {
  private readonly state = Int32Array.from(IV);
  private readonly buffer = new Uint8Array(SM3_BLOCK_BYTES);
  private buffered = 0;
  private length = 0;
  private finished = false;

  /** Absorbs `data`; returns `this` for chaining. */
  update(data: Uint8Array): this {
    if (this.finished) throw new Error('SM3 digest() was already called on this instance');
    let offset = 0;
    const total = data.length;
    this.length += total;
    if (this.buffered > 0) {
      const take = Math.min(SM3_BLOCK_BYTES - this.buffered, total);
      this.buffer.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      offset = take;
      if (this.buffered < SM3_BLOCK_BYTES) return this;
      compress(this.state, this.buffer, 0, 1);
      this.buffered = 0;
    }
    const blocks = Math.floor((total - offset) / SM3_BLOCK_BYTES);
    if (blocks > 0) {
      compress(this.state, data, offset, blocks);
      offset += blocks * SM3_BLOCK_BYTES;
    }
    if (offset < total) {
      this.buffer.set(data.subarray(offset), 0);
      this.buffered = total - offset;
    }
    return this;
  }

  /** §5.2 padding and the final compression; returns the 32-byte digest (§5.4, big-endian words). */
  digest(): Uint8Array {
    if (this.finished) throw new Error('SM3 digest() was already called on this instance');
    this.finished = true;
    const buffer = this.buffer;
    buffer.fill(0, this.buffered);
    buffer[this.buffered] = 0x80;
    if (this.buffered >= SM3_BLOCK_BYTES - 8) {
      compress(this.state, buffer, 0, 1);
      buffer.fill(0);
    }
    // Message length in bits as a 64-bit big-endian integer; split to stay exact above 2^32 bits.
    const bitsHigh = Math.floor(this.length / 0x20000000);
    const bitsLow = (this.length * 8) >>> 0;
    writeUint32BE(buffer, 56, bitsHigh);
    writeUint32BE(buffer, 60, bitsLow);
    compress(this.state, buffer, 0, 1);
    const out = new Uint8Array(SM3_DIGEST_BYTES);
    for (let i = 0; i < 8; i++) writeUint32BE(out, 4 * i, this.state[i]!);
    return out;
  }
}

function writeUint32BE(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = value >>> 16;
  out[offset + 2] = value >>> 8;
  out[offset + 3] = value;
}

/**
 * One-shot SM3 digest (32 bytes).
 *
 * @example
 * bytesToHex(sm3Pure(utf8ToBytes('abc'))); // '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'
 */
export function sm3Pure(data: Uint8Array): Uint8Array {
  return new Sm3Pure().update(data).digest();
}

const IPAD = 0x36;
const OPAD = 0x5c;

/**
 * HMAC-SM3 (RFC 2104 with SM3; keys longer than 64 bytes are hashed first). 32-byte tag.
 *
 * @example
 * bytesToHex(hmacSm3Pure(utf8ToBytes('key'), utf8ToBytes('data'))); // 32-byte tag as hex
 */
export function hmacSm3Pure(key: Uint8Array, data: Uint8Array): Uint8Array {
  const block = new Uint8Array(SM3_BLOCK_BYTES);
  block.set(key.length > SM3_BLOCK_BYTES ? sm3Pure(key) : key);
  const pad = new Uint8Array(SM3_BLOCK_BYTES);
  for (let i = 0; i < SM3_BLOCK_BYTES; i++) pad[i] = block[i]! ^ IPAD;
  const inner = new Sm3Pure().update(pad).update(data).digest();
  for (let i = 0; i < SM3_BLOCK_BYTES; i++) pad[i] = block[i]! ^ OPAD;
  return new Sm3Pure().update(pad).update(inner).digest();
}
