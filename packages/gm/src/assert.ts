/**
 * Argument checks shared by the modules of `@ehc/gm` (not exported from the package): misuse
 * throws a `TypeError` for a wrong type and a `RangeError` for a wrong size.
 *
 * @module
 */

/** Short description of a value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/** Throws a `TypeError` unless `value` is a `Uint8Array`. */
export function ensureBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a Uint8Array, got ${describeType(value)}`);
  }
}

/** Throws a `TypeError` unless `value` is a `Uint8Array`, a `RangeError` unless it has `length` bytes. */
export function ensureBytesOfLength(
  value: unknown,
  length: number,
  what: string,
): asserts value is Uint8Array {
  ensureBytes(value, what);
  if (value.length !== length) {
    throw new RangeError(`${what} must be ${length} bytes, got ${value.length}`);
  }
}

/** Throws a `TypeError` unless `value` is a string. */
export function ensureString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a string, got ${describeType(value)}`);
  }
}
