/**
 * The `openssl` command line as an independent oracle for the SM3/SM4 tests (the Node backend
 * uses the same library, the pure backend does not).
 */

import { execFileSync } from 'node:child_process';
import { bytesToHex } from './bytes.js';

function run(args: string[], input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync('openssl', args, { input, maxBuffer: 1 << 26 }));
}

/** `openssl dgst -sm3` of `data`. */
export function opensslSm3(data: Uint8Array): Uint8Array {
  return run(['dgst', '-sm3', '-binary'], data);
}

/** `openssl mac -digest SM3 HMAC` of `data` under `key`. */
export function opensslHmacSm3(key: Uint8Array, data: Uint8Array): string {
  const args = ['mac', '-digest', 'SM3', '-macopt', `hexkey:${bytesToHex(key)}`, 'HMAC'];
  return new TextDecoder().decode(run(args, data)).trim().toLowerCase();
}

/** `openssl enc -sm4-<mode>` (PKCS#7 unless `nopad`). */
export function opensslSm4(
  mode: 'ecb' | 'cbc',
  direction: 'encrypt' | 'decrypt',
  key: Uint8Array,
  iv: Uint8Array | undefined,
  data: Uint8Array,
  nopad = false,
): Uint8Array {
  const args = ['enc', `-sm4-${mode}`, direction === 'encrypt' ? '-e' : '-d', '-K', bytesToHex(key)];
  if (iv) args.push('-iv', bytesToHex(iv));
  if (nopad) args.push('-nopad');
  return run(args, data);
}
