/**
 * Chooses the SM2 arithmetic engine: WebAssembly when it can be instantiated, else noble-curves.
 *
 * @module
 */

import { jsEngine } from './engine-js.js';
import type { Sm2Engine } from './engine-types.js';

let engine: Sm2Engine | undefined;

/** The engine in use, chosen on first call. */
export function getEngine(): Sm2Engine {
  engine ??= jsEngine;
  return engine;
}
