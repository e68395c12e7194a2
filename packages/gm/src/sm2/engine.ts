/**
 * Chooses the SM2 arithmetic engine: the WebAssembly one when it can be instantiated, else the
 * noble-curves one. Both compute the same values; only speed differs.
 *
 * @module
 */

import { jsEngine } from './engine-js.js';
import type { Sm2Engine } from './engine-types.js';
import { createWasmEngine, createWasmEngineAsync } from './engine-wasm.js';

let engine: Sm2Engine | undefined;

/** The engine in use, chosen on first call: WebAssembly if it instantiates synchronously, else JS. */
export function getEngine(): Sm2Engine {
  if (engine === undefined) {
    try {
      engine = createWasmEngine();
    } catch {
      engine = jsEngine;
    }
  }
  return engine;
}

/** Replaces the engine (tests run the whole scheme on each engine); `undefined` re-selects. Not exported from the package. */
export function useEngineForTesting(replacement: Sm2Engine | undefined): void {
  engine = replacement;
}

/**
 * Loads the WebAssembly arithmetic asynchronously. Needed only where synchronous compilation is
 * refused (some browsers' main threads); elsewhere the module loads by itself on first use.
 * Resolves to the backend in use afterwards: `'wasm'`, or `'js'` when WebAssembly is unavailable.
 * Keys prepared before the switch keep working.
 *
 * @example
 * await initSm2Wasm(); // 'wasm'
 */
export async function initSm2Wasm(): Promise<'wasm' | 'js'> {
  if (engine?.name === 'wasm') return 'wasm';
  try {
    engine = await createWasmEngineAsync();
  } catch {
    engine ??= jsEngine;
  }
  return engine.name;
}

/**
 * The arithmetic backend in use: `'wasm'` (WebAssembly, the fast path) or `'js'` (noble-curves
 * BigInt arithmetic, about ten times slower).
 *
 * @example
 * sm2ArithmeticBackend(); // 'wasm' in Node
 */
export function sm2ArithmeticBackend(): 'wasm' | 'js' {
  return getEngine().name;
}
