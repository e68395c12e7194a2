/**
 * Masking (脱敏) of personal identifiers. Used for responses by scope and, as a safety net, on
 * every log line: whatever a developer logs by mistake, an ID or phone number never reaches the
 * log unmasked.
 */

/** `11010020171225006X` → `110***********006X`; other documents keep their first 2 and last 2. */
export function maskIdNumber(idNo: string): string {
  if (idNo.length >= 15) return `${idNo.slice(0, 3)}${'*'.repeat(idNo.length - 7)}${idNo.slice(-4)}`;
  if (idNo.length <= 4) return '*'.repeat(idNo.length);
  return `${idNo.slice(0, 2)}${'*'.repeat(idNo.length - 4)}${idNo.slice(-2)}`;
}

/** `13812341234` → `138****1234`. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

// Resident ID numbers (18 with check character, or the old 15 digits) and mainland mobile
// numbers, not embedded in longer digit runs (so hex digests and timestamps are left alone).
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d{9})(?![0-9A-Za-z])/g;

/** Masks every ID number and mobile number found in free text. */
export function maskSensitiveText(text: string): string {
  return text
    .replace(ID_NUMBER, (m) => maskIdNumber(m))
    .replace(MOBILE, (m, phone: string) => m.replace(phone, maskPhone(phone)));
}

/** Deep copy of a log object with every string masked (depth-limited; cycles cut). */
export function maskSensitiveValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskSensitiveText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return maskSensitiveValue(errorToPlainObject(value), depth + 1, seen);
  if (Array.isArray(value)) return value.map((item) => maskSensitiveValue(item, depth + 1, seen));
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    // Class instances (sockets, requests, pools) are not log data; serialise them before logging.
    return `[${(value as object).constructor?.name ?? 'object'}]`;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = maskSensitiveValue(item, depth + 1, seen);
  return out;
}

/** An Error's non-enumerable message and stack (and its cause) as plain fields, for logging. */
function errorToPlainObject(error: Error): Record<string, unknown> {
  return {
    type: error.name,
    message: error.message,
    stack: error.stack,
    ...Object.fromEntries(Object.entries(error)),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  };
}
