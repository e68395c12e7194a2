/**
 * The SM2 engine on noble-curves' BigInt arithmetic: the simple reference that the WebAssembly
 * engine is tested against, and the fallback where WebAssembly cannot run.
 *
 * @module
 */

import { bytesToBigInt, modN, N, Sm2Point } from './curve.js';
import type { EnginePublicPoint, Sm2Engine } from './engine-types.js';

/** Window size of the tables noble builds for a prepared public key. */
const PREPARED_WINDOW = 8;

class JsPublicPoint implements EnginePublicPoint {
  constructor(private readonly point: Sm2Point) {}

  verify(rs: Uint8Array, e: Uint8Array): boolean {
    const r = bytesToBigInt(rs.subarray(0, 32));
    const s = bytesToBigInt(rs.subarray(32, 64));
    if (r < 1n || r >= N || s < 1n || s >= N) return false;
    const t = modN(r + s);
    if (t === 0n) return false;
    const sum = Sm2Point.BASE.multiplyUnsafe(s).add(this.point.multiplyUnsafe(t));
    if (sum.is0()) return false;
    return modN(bytesToBigInt(e) + sum.toAffine().x) === r;
  }
}

/**
 * The noble-curves engine.
 *
 * @example
 * jsEngine.mulBase(1n).x === SM2_CURVE.Gx; // true
 */
export const jsEngine: Sm2Engine = {
  name: 'js',
  mulBase(k) {
    return Sm2Point.BASE.multiply(k).toAffine();
  },
  publicPoint(x, y, precompute) {
    const point = Sm2Point.fromAffine({ x, y });
    if (precompute) point.precompute(PREPARED_WINDOW, false);
    return new JsPublicPoint(point);
  },
};
