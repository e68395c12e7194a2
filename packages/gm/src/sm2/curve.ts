/**
 * The SM2 recommended curve and the scalar helpers the other SM2 modules build on: the curve
 * constants, one noble-curves point class (the simple, reference arithmetic), arithmetic modulo
 * the group order n, big-endian conversion between scalars and 32-byte strings, and random
 * scalars from the platform CSPRNG.
 *
 * @module
 */

import { invert, mod } from '@noble/curves/abstract/modular.js';
import { type WeierstrassPoint, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { bytesToHex, hexToBytes } from '../bytes.js';

/**
 * The SM2 recommended 256-bit prime curve y² = x³ + ax + b over F_p, as published in
 * GB/T 32918.5-2017 (GM/T 0003.5-2012), "SM2 椭圆曲线公钥密码算法 第5部分：参数定义".
 * p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1, a = p − 3, cofactor 1.
 *
 * @example
 * SM2_CURVE.n.toString(16); // 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123'
 */
export const SM2_CURVE: Readonly<{
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  h: bigint;
  Gx: bigint;
  Gy: bigint;
}> = Object.freeze({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});

/** Projective point on the SM2 curve (noble-curves). */
export type Sm2Point = WeierstrassPoint<bigint>;

/** Point class of the SM2 curve: the reference arithmetic, and the fallback when WebAssembly is unavailable. */
export const Sm2Point = weierstrass(SM2_CURVE);

export const N = SM2_CURVE.n;
export const P = SM2_CURVE.p;

/** Length in bytes of a scalar, a field element and an SM3 digest. */
export const SCALAR_BYTES = 32;

/** x mod n, in [0, n). */
export function modN(x: bigint): bigint {
  return mod(x, N);
}

/** x⁻¹ mod n; x must not be 0 mod n. */
export function invertN(x: bigint): bigint {
  return invert(x, N);
}

/** Big-endian unsigned integer of `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + bytesToHex(bytes));
}

/** `x` (0 ≤ x < 2²⁵⁶) as 32 big-endian bytes. */
export function bigIntToBytes32(x: bigint): Uint8Array {
  const hex = x.toString(16);
  if (x < 0n || hex.length > 64) throw new RangeError('value does not fit in 32 bytes');
  return hexToBytes(hex.padStart(64, '0'));
}

/** Fills `length` bytes from the platform CSPRNG (`globalThis.crypto.getRandomValues`). */
export function randomBytes(length: number): Uint8Array {
  const cryptoApi = globalThis.crypto;
  if (typeof cryptoApi?.getRandomValues !== 'function') {
    throw new Error('SM2 needs a CSPRNG: globalThis.crypto.getRandomValues is not available in this runtime');
  }
  return cryptoApi.getRandomValues(new Uint8Array(length));
}

/**
 * A uniformly random scalar in [1, max] (max < 2²⁵⁶), by rejection sampling of 32-byte strings:
 * with max close to n a draw is rejected with probability about 2⁻³², so there is no modulo bias.
 */
export function randomScalar(max: bigint): bigint {
  for (;;) {
    const k = bytesToBigInt(randomBytes(SCALAR_BYTES));
    if (k >= 1n && k <= max) return k;
  }
}
