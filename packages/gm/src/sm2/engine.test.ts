// The WebAssembly engine against the simple one (noble-curves BigInt arithmetic), value by value.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigIntToBytes32, bytesToBigInt, N, P, Sm2Point } from './curve.js';
import { jsEngine } from './engine-js.js';
import {
  createWasmEngine,
  createWasmEngineAsync,
  MAX_PREPARED_TABLES,
  sm2CurveWasmBytes,
  wasmPointInternals,
} from './engine-wasm.js';

/** Fewer property runs under `npm run test:fast`. */
const runs = (n: number) => (process.env['EHC_SKIP_SLOW'] === '1' ? Math.ceil(n / 5) : n);

const wasmEngine = createWasmEngine();
const wasm = wasmEngine.wasm;

const scalar = fc.bigInt({ min: 1n, max: N - 1n });
/** Limbs at the edges of the carry chains: 0, 1, 2³¹ and 2³² − 1 mixed with random ones. */
const edgyLimbs = fc
  .array(
    fc.oneof(fc.constantFrom(0n, 1n, 0x80000000n, 0xffffffffn), fc.bigInt({ min: 0n, max: 0xffffffffn })),
    {
      minLength: 8,
      maxLength: 8,
    },
  )
  .map((limbs) => limbs.reduce((acc, limb) => (acc << 32n) | limb, 0n) % P);
const fieldElement = fc.oneof(
  fc.bigInt({ min: 0n, max: P - 1n }),
  edgyLimbs,
  fc.constantFrom(
    0n,
    1n,
    2n,
    P - 1n,
    P - 2n,
    1n << 255n,
    (1n << 224n) - 1n,
    P - (1n << 64n),
    P - (1n << 96n),
  ),
);
/** Scalars whose signed digits hit the table edges: ±128 (w = 8), ±64 (w = 7), carries. */
const edgeScalars = [
  1n,
  2n,
  3n,
  127n,
  128n,
  129n,
  255n,
  256n,
  N - 1n,
  N - 2n,
  (N - 1n) / 2n,
  1n << 255n,
  (1n << 255n) - 1n,
  BigInt('0x' + '80'.repeat(32)) % N,
  BigInt('0x' + '7f'.repeat(32)),
  BigInt('0x' + 'ff'.repeat(31)),
  BigInt('0x' + '40'.repeat(32)),
  BigInt('0x' + 'c0'.repeat(31)),
];

function reference(s: bigint, t: bigint, point: Sm2Point): Sm2Point {
  const sG = s === 0n ? Sm2Point.ZERO : Sm2Point.BASE.multiply(s);
  const tP = t === 0n ? Sm2Point.ZERO : point.multiply(t);
  return sG.add(tP);
}

function affineBytes(point: Sm2Point): Uint8Array | undefined {
  if (point.is0()) return undefined;
  const { x, y } = point.toAffine();
  const out = new Uint8Array(64);
  out.set(bigIntToBytes32(x), 0);
  out.set(bigIntToBytes32(y), 32);
  return out;
}

function fieldOp(op: number, a: bigint, b: bigint): bigint {
  const io = wasm.io();
  io.set(bigIntToBytes32(a), 0);
  io.set(bigIntToBytes32(b), 32);
  wasm.exports.field_op(op);
  return bytesToBigInt(io.subarray(64, 96));
}

const mod = (x: bigint) => ((x % P) + P) % P;
function powMod(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % P;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

describe('WebAssembly field arithmetic mod p (Solinas reduction)', () => {
  it('multiplies, squares, adds and subtracts like BigInt', () => {
    fc.assert(
      fc.property(fieldElement, fieldElement, (a, b) => {
        expect(fieldOp(0, a, b)).toBe(mod(a * b));
        expect(fieldOp(1, a, b)).toBe(mod(a + b));
        expect(fieldOp(2, a, b)).toBe(mod(a - b));
        expect(fieldOp(4, a, b)).toBe(mod(a * a));
      }),
      { numRuns: runs(2000) },
    );
  });

  it('inverts like Fermat', () => {
    fc.assert(
      fc.property(fieldElement, (a) => {
        fc.pre(a !== 0n);
        expect(fieldOp(3, a, 0n)).toBe(powMod(a, P - 2n));
      }),
      { numRuns: runs(200) },
    );
  });
});

describe('WebAssembly [k]G', () => {
  it('equals noble for random and edge scalars', () => {
    for (const k of edgeScalars) expect(wasmEngine.mulBase(k)).toEqual(jsEngine.mulBase(k));
    fc.assert(
      fc.property(scalar, (k) => {
        expect(wasmEngine.mulBase(k)).toEqual(Sm2Point.BASE.multiply(k).toAffine());
      }),
      { numRuns: runs(300) },
    );
  });

  it('rejects k = 0 and wipes the scalar from the I/O buffer', () => {
    expect(() => wasm.mulBase(0n)).toThrow(RangeError);
    wasm.mulBase(0x1234n);
    expect(
      wasm
        .io()
        .subarray(0, 96)
        .every((b) => b === 0),
    ).toBe(true);
  });
});

describe('WebAssembly [s]G + [t]P', () => {
  const withEdges = fc.oneof(scalar, fc.constantFrom(0n, ...edgeScalars));

  it('equals noble with the prepared table and on the cold path', () => {
    fc.assert(
      fc.property(scalar, withEdges, withEdges, (c, s, t) => {
        const point = Sm2Point.BASE.multiply(c);
        const { x, y } = point.toAffine();
        const prepared = wasmPointInternals(wasmEngine.publicPoint(x, y, true))!;
        const cold = wasmPointInternals(wasmEngine.publicPoint(x, y, false))!;
        const sBytes = bigIntToBytes32(s);
        const tBytes = bigIntToBytes32(t);
        const expected = affineBytes(reference(s, t, point));
        expect(wasm.linearCombination(prepared.table, prepared.xy, sBytes, tBytes)).toEqual(expected);
        expect(wasm.linearCombination(0, cold.xy, sBytes, tBytes)).toEqual(expected);
      }),
      { numRuns: runs(60) },
    );
  });

  it('handles the exceptional additions: doubling and cancellation inside the sum', () => {
    // P = G: the G and P table entries coincide, so additions hit P + P and P + (−P).
    const prepared = wasmPointInternals(wasmEngine.publicPoint(Sm2Point.BASE.x, Sm2Point.BASE.y, true))!;
    const cases: [bigint, bigint][] = [
      [1n, 1n],
      [1n, N - 1n],
      [5n, N - 5n],
      [128n, 128n],
      [64n, N - 64n],
      [N - 1n, N - 1n],
      [1n << 200n, 1n << 200n],
      [1n << 200n, N - (1n << 200n)],
      [BigInt('0x' + '80'.repeat(32)) % N, BigInt('0x' + '80'.repeat(32)) % N],
    ];
    for (const [s, t] of cases) {
      const expected = affineBytes(reference(s, t, Sm2Point.BASE));
      const sBytes = bigIntToBytes32(s);
      const tBytes = bigIntToBytes32(t);
      expect(wasm.linearCombination(prepared.table, prepared.xy, sBytes, tBytes)).toEqual(expected);
      expect(wasm.linearCombination(0, prepared.xy, sBytes, tBytes)).toEqual(expected);
    }
  });
});

describe('WebAssembly verification core', () => {
  it('agrees with noble on valid, tampered and out-of-range (r, s)', () => {
    const rsArb = fc.oneof(
      scalar,
      fc.constantFrom(0n, N, N + 1n, (1n << 256n) - 1n, N - 1n),
      fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    );
    fc.assert(
      fc.property(scalar, scalar, fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), rsArb, (d, k, e, sAny) => {
        const { x, y } = Sm2Point.BASE.multiply(d).toAffine();
        // A valid signature of e, and variants with a random or edge s.
        const r = (e + Sm2Point.BASE.multiply(k).x) % N;
        fc.pre(r !== 0n && r + k !== N);
        const s = ((k - r * d) * modInverse(d + 1n)) % N;
        const signatures = [
          [r, (s + N) % N],
          [r, sAny],
          [sAny, (s + N) % N],
        ] as const;
        const pointJs = jsEngine.publicPoint(x, y, false);
        const pointWasm = wasmEngine.publicPoint(x, y, true);
        const pointCold = wasmEngine.publicPoint(x, y, false);
        const eBytes = bigIntToBytes32(e);
        for (const [ri, si] of signatures) {
          if (ri >= 1n << 256n || si >= 1n << 256n) continue;
          const rs = new Uint8Array(64);
          rs.set(bigIntToBytes32(ri), 0);
          rs.set(bigIntToBytes32(si), 32);
          const expected = pointJs.verify(rs, eBytes);
          expect(pointWasm.verify(rs, eBytes)).toBe(expected);
          expect(pointCold.verify(rs, eBytes)).toBe(expected);
        }
        const valid = new Uint8Array(64);
        valid.set(bigIntToBytes32(r), 0);
        valid.set(bigIntToBytes32((s + N) % N), 32);
        expect(pointWasm.verify(valid, eBytes)).toBe((s + N) % N !== 0n);
      }),
      { numRuns: runs(100) },
    );
  });

  it('accepts when x1 ≥ n, the second candidate of the x-coordinate test', () => {
    // x1 ∈ [n, p) has probability about 2⁻¹²⁹, so build the case: take a point R with x ≥ n,
    // pick s and t, and choose the public key P = t⁻¹(R − [s]G), r = t − s, e = r − x_R.
    const Fp = Sm2Point.Fp;
    let x = N;
    let point: Sm2Point | undefined;
    while (point === undefined) {
      const rhs = Fp.add(Fp.add(Fp.pow(x, 3n), Fp.mul(Sm2Point.CURVE().a, x)), Sm2Point.CURVE().b);
      try {
        point = Sm2Point.fromAffine({ x, y: Fp.sqrt(rhs) });
      } catch {
        x++;
      }
    }
    point.assertValidity();
    const s = 0x1234567n;
    const t = 0x89abcdefn;
    const publicPoint = point.subtract(Sm2Point.BASE.multiply(s)).multiply(modInverse(t));
    const r = (t - s + N) % N;
    const e = (((r - x) % N) + N) % N;
    const rs = new Uint8Array(64);
    rs.set(bigIntToBytes32(r), 0);
    rs.set(bigIntToBytes32(s), 32);
    const { x: px, y: py } = publicPoint.toAffine();
    for (const engine of [wasmEngine, jsEngine]) {
      expect(engine.publicPoint(px, py, true).verify(rs, bigIntToBytes32(e))).toBe(true);
      expect(engine.publicPoint(px, py, false).verify(rs, bigIntToBytes32(e))).toBe(true);
      expect(engine.publicPoint(px, py, false).verify(rs, bigIntToBytes32((e + 1n) % N))).toBe(false);
    }
  });
});

describe('WebAssembly table heap', () => {
  it('reuses freed blocks and verifies on the cold path beyond the cap on live tables', () => {
    const engine = createWasmEngine();
    const block = engine.wasm.exports.table_alloc();
    engine.wasm.exports.table_free(block);
    expect(engine.wasm.exports.table_alloc()).toBe(block);
    engine.wasm.exports.table_free(block);

    const d = 0x1234n;
    const { x, y } = Sm2Point.BASE.multiply(d).toAffine();
    const points = Array.from({ length: MAX_PREPARED_TABLES + 2 }, () => engine.publicPoint(x, y, true));
    const tables = points.map((point) => wasmPointInternals(point)!.table);
    expect(new Set(tables.slice(0, MAX_PREPARED_TABLES)).size).toBe(MAX_PREPARED_TABLES);
    expect(tables.slice(MAX_PREPARED_TABLES)).toEqual([0, 0]);
    // A valid signature verifies with a table (the first key) and without (the last).
    const k = 77n;
    const e = 99n;
    const r = (e + Sm2Point.BASE.multiply(k).x) % N;
    const s = ((((k - r * d) % N) + N) * modInverse(d + 1n)) % N;
    const rs = new Uint8Array(64);
    rs.set(bigIntToBytes32(r), 0);
    rs.set(bigIntToBytes32(s), 32);
    expect(points[0]!.verify(rs, bigIntToBytes32(e))).toBe(true);
    expect(points.at(-1)!.verify(rs, bigIntToBytes32(e))).toBe(true);
  });
});

describe('WebAssembly loading', () => {
  it('bundles exactly the module its generated header describes', () => {
    const source = readFileSync(new URL('./wasm/sm2-curve.wasm.ts', import.meta.url), 'utf8');
    const header = /\/\/ (\d+) bytes, SHA-256 ([0-9a-f]{64})\./.exec(source);
    const bytes = sm2CurveWasmBytes();
    expect(header).not.toBeNull();
    expect(bytes.length).toBe(Number(header![1]));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(header![2]);
  });

  it('instantiates asynchronously too', async () => {
    const engine = await createWasmEngineAsync();
    expect(engine.mulBase(1n)).toEqual(Sm2Point.BASE.toAffine());
  });
});

function modInverse(a: bigint): bigint {
  let [oldR, r] = [((a % N) + N) % N, N];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % N) + N) % N;
}
