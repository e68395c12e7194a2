/**
 * The contract between the SM2 scheme (keys, signatures, encryption) and the curve arithmetic
 * under it. Two engines implement it: `engine-js.ts` (noble-curves, BigInt) and `engine-wasm.ts`
 * (WebAssembly field and group arithmetic, about ten times faster); `engine.ts` picks one.
 * Engines see validated inputs only: scalars in [1, n − 1] and points on the curve.
 *
 * @module
 */

/** A public key point as an engine holds it, ready for SM2 verification. */
export interface EnginePublicPoint {
  /**
   * The arithmetic core of SM2 verification, GB/T 32918.2-2016 clause 7.1 steps B1, B2 and
   * B5–B7: with `rs` = r ‖ s (32 bytes each, big-endian) and `e` the 32-byte digest, true iff
   * r, s ∈ [1, n − 1], t = (r + s) mod n ≠ 0, (x1, y1) = [s]G + [t]P_A is not the point at
   * infinity and (e + x1) mod n = r.
   */
  verify(rs: Uint8Array, e: Uint8Array): boolean;
}

/** Curve arithmetic for SM2. */
export interface Sm2Engine {
  /** `'wasm'` or `'js'` (noble-curves). */
  readonly name: 'wasm' | 'js';
  /** [k]G for a secret k ∈ [1, n − 1], in affine coordinates; constant-time in the engine's arithmetic. */
  mulBase(k: bigint): { x: bigint; y: bigint };
  /**
   * The public point (x, y), already checked to be on the curve. With `precompute`, the engine
   * spends a few milliseconds on tables that make each later verification several times faster.
   */
  publicPoint(x: bigint, y: bigint, precompute: boolean): EnginePublicPoint;
}
