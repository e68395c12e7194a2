/**
 * The SM2 engine on the WebAssembly module compiled from `wasm/sm2-curve.c`: loading it (from
 * base64 bytes bundled in `wasm/sm2-curve.wasm.ts`, no I/O), passing values through its I/O
 * buffer, and owning the lifetime of the precomputed tables of prepared public keys in its heap.
 *
 * @module
 */

import { bigIntToBytes32, bytesToBigInt } from './curve.js';
import type { EnginePublicPoint, Sm2Engine } from './engine-types.js';
import { SM2_CURVE_WASM_BASE64 } from './wasm/sm2-curve.wasm.js';

/**
 * The part of the WebAssembly JS API used here, typed locally: the package compiles without the
 * DOM library, and a global declaration would clash with it in packages that include it.
 */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  instantiate(
    bytes: Uint8Array,
    imports: object,
  ): Promise<{ readonly instance: { readonly exports: unknown } }>;
}

function webAssembly(): WebAssemblyApi {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) throw new Error('WebAssembly is not available in this runtime');
  return api;
}

/** The functions `sm2-curve.c` exports; see the I/O layout there. */
export interface Sm2CurveWasmExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  io(): number;
  init(): void;
  mul_base(): number;
  table_bytes(): number;
  table_alloc(): number;
  table_free(table: number): void;
  table_build(table: number): void;
  verify(table: number): number;
  lincomb(table: number): number;
  field_op(op: number): void;
}

/**
 * At most this many public-key tables (148 KiB each, about 19 MiB in all) live at once; keys
 * prepared beyond that verify on the table-free path, which is slower but still faster than
 * OpenSSL. Tables of keys that are garbage-collected are reused.
 */
export const MAX_PREPARED_TABLES = 128;

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The module's bytes. */
export function sm2CurveWasmBytes(): Uint8Array {
  return decodeBase64(SM2_CURVE_WASM_BASE64);
}

/** A typed wrapper around one instance of the module. */
export class Sm2CurveWasm {
  private view: Uint8Array;
  private liveTables = 0;
  private readonly registry: FinalizationRegistry<number> | undefined;

  constructor(readonly exports: Sm2CurveWasmExports) {
    exports.init();
    this.view = new Uint8Array(exports.memory.buffer, exports.io(), 256);
    this.registry =
      typeof FinalizationRegistry === 'function'
        ? new FinalizationRegistry((table) => this.freeTable(table))
        : undefined;
  }

  /** The I/O buffer; a new view after the memory has grown (growing detaches the old buffer). */
  io(): Uint8Array {
    if (this.view.buffer !== this.exports.memory.buffer) {
      this.view = new Uint8Array(this.exports.memory.buffer, this.exports.io(), 256);
    }
    return this.view;
  }

  /** [k]G in affine coordinates; the scalar is wiped from the I/O buffer afterwards. */
  mulBase(k: bigint): { x: bigint; y: bigint } {
    const io = this.io();
    io.set(bigIntToBytes32(k), 0);
    const finite = this.exports.mul_base();
    const x = bytesToBigInt(io.subarray(32, 64));
    const y = bytesToBigInt(io.subarray(64, 96));
    io.fill(0, 0, 96);
    if (!finite) throw new RangeError('scalar is 0 mod n');
    return { x, y };
  }

  /** Builds the window table of the point (x ‖ y, 64 bytes) and returns its address, or 0 when none is available. */
  buildTable(xy: Uint8Array, owner: object): number {
    if (this.liveTables >= MAX_PREPARED_TABLES) return 0;
    const table = this.exports.table_alloc();
    if (table === 0) return 0;
    this.liveTables++;
    this.io().set(xy, 0);
    this.exports.table_build(table);
    this.registry?.register(owner, table);
    return table;
  }

  private freeTable(table: number): void {
    this.exports.table_free(table);
    this.liveTables--;
  }

  /** Verification core with the point's table, or with the point itself (`table` 0). */
  verify(table: number, xy: Uint8Array, rs: Uint8Array, e: Uint8Array): boolean {
    const io = this.io();
    io.set(rs, 0);
    io.set(e, 64);
    if (table === 0) io.set(xy, 96);
    return this.exports.verify(table) === 1;
  }

  /** [s]G + [t]P as x ‖ y, or undefined for the point at infinity (for tests). */
  linearCombination(table: number, xy: Uint8Array, s: Uint8Array, t: Uint8Array): Uint8Array | undefined {
    const io = this.io();
    io.set(s, 0);
    io.set(t, 32);
    if (table === 0) io.set(xy, 96);
    return this.exports.lincomb(table) === 1 ? io.slice(160, 224) : undefined;
  }
}

class WasmPublicPoint implements EnginePublicPoint {
  readonly table: number;

  constructor(
    private readonly wasm: Sm2CurveWasm,
    readonly xy: Uint8Array,
    precompute: boolean,
  ) {
    this.table = precompute ? wasm.buildTable(xy, this) : 0;
  }

  verify(rs: Uint8Array, e: Uint8Array): boolean {
    return this.wasm.verify(this.table, this.xy, rs, e);
  }
}

function engineOf(wasm: Sm2CurveWasm): Sm2Engine & { readonly wasm: Sm2CurveWasm } {
  return {
    name: 'wasm',
    wasm,
    mulBase: (k) => wasm.mulBase(k),
    publicPoint(x, y, precompute) {
      const xy = new Uint8Array(64);
      xy.set(bigIntToBytes32(x), 0);
      xy.set(bigIntToBytes32(y), 32);
      return new WasmPublicPoint(wasm, xy, precompute);
    },
  };
}

/** The point of a public key prepared by the WebAssembly engine, for tests. */
export function wasmPointInternals(point: EnginePublicPoint): { table: number; xy: Uint8Array } | undefined {
  return point instanceof WasmPublicPoint ? { table: point.table, xy: point.xy } : undefined;
}

/**
 * Instantiates the module synchronously (fine in Node and, for a module this small, in browsers;
 * throws where WebAssembly is missing or forbidden, e.g. by a Content Security Policy without
 * `'wasm-unsafe-eval'`).
 */
export function createWasmEngine(): Sm2Engine & { readonly wasm: Sm2CurveWasm } {
  const api = webAssembly();
  const instance = new api.Instance(new api.Module(sm2CurveWasmBytes()), {});
  return engineOf(new Sm2CurveWasm(instance.exports as unknown as Sm2CurveWasmExports));
}

/** Instantiates the module asynchronously, for runtimes that refuse synchronous compilation. */
export async function createWasmEngineAsync(): Promise<Sm2Engine & { readonly wasm: Sm2CurveWasm }> {
  const { instance } = await webAssembly().instantiate(sm2CurveWasmBytes(), {});
  return engineOf(new Sm2CurveWasm(instance.exports as unknown as Sm2CurveWasmExports));
}
