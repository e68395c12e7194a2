/**
 * SM4 block cipher (GB/T 32907-2016) in plain TypeScript, with ECB and CBC over whole blocks
 * (padding is the caller's business): the browser backend, and the reference the Node backend is
 * tested against. Clause numbers below refer to GB/T 32907-2016.
 *
 * Written for speed: the 32 round keys are expanded once per key, and the round function
 * T = L ∘ τ (§6.2) is four lookups in 256-entry tables that combine the S-box with the linear
 * transform L, so a round is four loads and a handful of XORs on int32 values.
 *
 * @module
 */

/**
 * SM4 block size in bytes (§5.1).
 *
 * @example
 * SM4_BLOCK_BYTES; // 16
 */
export const SM4_BLOCK_BYTES = 16;
/**
 * SM4 key size in bytes (§5.2).
 *
 * @example
 * SM4_KEY_BYTES; // 16
 */
export const SM4_KEY_BYTES = 16;

/** §6.2.1 S-box (Sbox), row-major, as hex so the table reads like the standard's. */
const SBOX_HEX =
  'd690e9fecce13db716b614c228fb2c052b679a762abe04c3aa44132649860699' +
  '9c4250f491ef987a33540b43edcfac62e4b31ca9c908e89580df94fa758f3fa6' +
  '4707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d35' +
  '1e240e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89e' +
  'eabf8ad240c738b5a3f7f2cef96115a1e0ae5da49b341a55ad933230f58cb1e3' +
  '1df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b51' +
  '8d1baf92bbddbc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b0' +
  '8969974a0c96777e65b9f109c56ec68418f07dec3adc4d2079ee5f3ed7cb3948';

/**
 * The S-box as bytes (exported for the permutation test).
 *
 * @example
 * SM4_SBOX[0]; // 0xd6
 */
export const SM4_SBOX: Uint8Array = (() => {
  const box = new Uint8Array(256);
  for (let i = 0; i < 256; i++) box[i] = Number.parseInt(SBOX_HEX.slice(2 * i, 2 * i + 2), 16);
  return box;
})();

/** §7.3 system parameter FK. */
const FK = Int32Array.of(0xa3b1bac6 | 0, 0x56aa3350, 0x677d9197, 0xb27022dc | 0);

/** §7.3 fixed parameter CK: byte j of CK_i is (4i + j) × 7 mod 256. */
const CK = new Int32Array(32);
for (let i = 0; i < 32; i++) {
  let ck = 0;
  for (let j = 0; j < 4; j++) ck = (ck << 8) | (((4 * i + j) * 7) & 0xff);
  CK[i] = ck;
}

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/**
 * Round tables: T0[x] = L(Sbox[x] << 24) with §6.2.2 L(B) = B ^ (B<<<2) ^ (B<<<10) ^ (B<<<18) ^ (B<<<24).
 * L commutes with rotation, so the tables for the other three bytes are T0 rotated right by 8, 16, 24.
 */
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);
for (let x = 0; x < 256; x++) {
  const b = SM4_SBOX[x]! << 24;
  const t = b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24);
  T0[x] = t;
  T1[x] = rotl(t, 24);
  T2[x] = rotl(t, 16);
  T3[x] = rotl(t, 8);
}

/** §7.3 key-schedule transform T' = L' ∘ τ with L'(B) = B ^ (B<<<13) ^ (B<<<23). */
function keyScheduleT(a: number): number {
  const b =
    (SM4_SBOX[a >>> 24]! << 24) |
    (SM4_SBOX[(a >>> 16) & 0xff]! << 16) |
    (SM4_SBOX[(a >>> 8) & 0xff]! << 8) |
    SM4_SBOX[a & 0xff]!;
  return b ^ rotl(b, 13) ^ rotl(b, 23);
}

/**
 * §7.3 key expansion: the 32 round keys rk_0..rk_31 for encryption, or in reverse order for
 * decryption (§7.2: decryption is encryption with the round keys reversed). `key` must be 16 bytes.
 *
 * @example
 * const rk = expandSm4Key(hexToBytes('0123456789abcdeffedcba9876543210'), false);
 * rk[0] >>> 0; // 0xf12186f9 (§A.1)
 */
export function expandSm4Key(key: Uint8Array, forDecryption: boolean): Int32Array {
  let k0 = readInt32BE(key, 0) ^ FK[0]!;
  let k1 = readInt32BE(key, 4) ^ FK[1]!;
  let k2 = readInt32BE(key, 8) ^ FK[2]!;
  let k3 = readInt32BE(key, 12) ^ FK[3]!;
  const rk = new Int32Array(32);
  for (let i = 0; i < 32; i++) {
    const next = k0 ^ keyScheduleT(k1 ^ k2 ^ k3 ^ CK[i]!);
    rk[forDecryption ? 31 - i : i] = next;
    k0 = k1;
    k1 = k2;
    k2 = k3;
    k3 = next;
  }
  return rk;
}

function readInt32BE(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
}

function writeInt32BE(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = value >>> 16;
  out[offset + 2] = value >>> 8;
  out[offset + 3] = value;
}

/** Scratch words for one block: the cipher functions below are synchronous, so one set suffices. */
const X = new Int32Array(4);

/**
 * §7.1 encryption of the block in X (X0..X3) in place: 32 rounds
 * X_{i+4} = X_i ^ T(X_{i+1} ^ X_{i+2} ^ X_{i+3} ^ rk_i), then the reverse transform R.
 */
function cryptBlock(rk: Int32Array): void {
  let x0 = X[0]!;
  let x1 = X[1]!;
  let x2 = X[2]!;
  let x3 = X[3]!;
  const t0 = T0;
  const t1 = T1;
  const t2 = T2;
  const t3 = T3;
  for (let i = 0; i < 32; i += 4) {
    let t = x1 ^ x2 ^ x3 ^ rk[i]!;
    x0 ^= t0[t >>> 24]! ^ t1[(t >>> 16) & 0xff]! ^ t2[(t >>> 8) & 0xff]! ^ t3[t & 0xff]!;
    t = x2 ^ x3 ^ x0 ^ rk[i + 1]!;
    x1 ^= t0[t >>> 24]! ^ t1[(t >>> 16) & 0xff]! ^ t2[(t >>> 8) & 0xff]! ^ t3[t & 0xff]!;
    t = x3 ^ x0 ^ x1 ^ rk[i + 2]!;
    x2 ^= t0[t >>> 24]! ^ t1[(t >>> 16) & 0xff]! ^ t2[(t >>> 8) & 0xff]! ^ t3[t & 0xff]!;
    t = x0 ^ x1 ^ x2 ^ rk[i + 3]!;
    x3 ^= t0[t >>> 24]! ^ t1[(t >>> 16) & 0xff]! ^ t2[(t >>> 8) & 0xff]! ^ t3[t & 0xff]!;
  }
  // R(A0, A1, A2, A3) = (A3, A2, A1, A0)
  X[0] = x3;
  X[1] = x2;
  X[2] = x1;
  X[3] = x0;
}

/**
 * ECB over whole blocks: encrypts (encryption round keys) or decrypts (decryption round keys)
 * each 16-byte block of `input`. `input.length` must be a multiple of 16.
 *
 * @example
 * const key = hexToBytes('0123456789abcdeffedcba9876543210');
 * bytesToHex(sm4EcbPure(expandSm4Key(key, false), key)); // '681edf34d206965e86b3e94f536e4246' (§A.1)
 */
export function sm4EcbPure(roundKeys: Int32Array, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  for (let o = 0; o < input.length; o += SM4_BLOCK_BYTES) {
    X[0] = readInt32BE(input, o);
    X[1] = readInt32BE(input, o + 4);
    X[2] = readInt32BE(input, o + 8);
    X[3] = readInt32BE(input, o + 12);
    cryptBlock(roundKeys);
    writeInt32BE(out, o, X[0]!);
    writeInt32BE(out, o + 4, X[1]!);
    writeInt32BE(out, o + 8, X[2]!);
    writeInt32BE(out, o + 12, X[3]!);
  }
  return out;
}

/**
 * CBC encryption over whole blocks with encryption round keys; `iv` is 16 bytes and
 * `input.length` a multiple of 16.
 *
 * @example
 * sm4CbcEncryptPure(expandSm4Key(key, false), iv, plaintext); // ciphertext, same length
 */
export function sm4CbcEncryptPure(roundKeys: Int32Array, iv: Uint8Array, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let c0 = readInt32BE(iv, 0);
  let c1 = readInt32BE(iv, 4);
  let c2 = readInt32BE(iv, 8);
  let c3 = readInt32BE(iv, 12);
  for (let o = 0; o < input.length; o += SM4_BLOCK_BYTES) {
    X[0] = readInt32BE(input, o) ^ c0;
    X[1] = readInt32BE(input, o + 4) ^ c1;
    X[2] = readInt32BE(input, o + 8) ^ c2;
    X[3] = readInt32BE(input, o + 12) ^ c3;
    cryptBlock(roundKeys);
    c0 = X[0]!;
    c1 = X[1]!;
    c2 = X[2]!;
    c3 = X[3]!;
    writeInt32BE(out, o, c0);
    writeInt32BE(out, o + 4, c1);
    writeInt32BE(out, o + 8, c2);
    writeInt32BE(out, o + 12, c3);
  }
  return out;
}

/**
 * CBC decryption over whole blocks with decryption round keys; `iv` is 16 bytes and
 * `input.length` a multiple of 16.
 *
 * @example
 * sm4CbcDecryptPure(expandSm4Key(key, true), iv, ciphertext); // plaintext, same length
 */
export function sm4CbcDecryptPure(roundKeys: Int32Array, iv: Uint8Array, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let c0 = readInt32BE(iv, 0);
  let c1 = readInt32BE(iv, 4);
  let c2 = readInt32BE(iv, 8);
  let c3 = readInt32BE(iv, 12);
  for (let o = 0; o < input.length; o += SM4_BLOCK_BYTES) {
    const n0 = readInt32BE(input, o);
    const n1 = readInt32BE(input, o + 4);
    const n2 = readInt32BE(input, o + 8);
    const n3 = readInt32BE(input, o + 12);
    X[0] = n0;
    X[1] = n1;
    X[2] = n2;
    X[3] = n3;
    cryptBlock(roundKeys);
    writeInt32BE(out, o, X[0]! ^ c0);
    writeInt32BE(out, o + 4, X[1]! ^ c1);
    writeInt32BE(out, o + 8, X[2]! ^ c2);
    writeInt32BE(out, o + 12, X[3]! ^ c3);
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
  }
  return out;
}
