/**
 * The `openssl` command line (3.x) as an independent SM2 implementation for interoperability
 * tests: every call runs in one temporary directory, files in and out.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when an `openssl` with SM2 support is on the PATH. */
export function hasOpensslSm2(): boolean {
  const result = spawnSync('openssl', ['list', '-public-key-algorithms'], { encoding: 'utf8' });
  return result.status === 0 && /SM2/i.test(result.stdout);
}

/** A temporary directory for one test file's OpenSSL runs. */
export class OpensslWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'ehc-sm2-openssl-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, content: Uint8Array | string): string {
    const file = this.path(name);
    writeFileSync(file, content);
    return file;
  }

  read(name: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(name)));
  }

  readText(name: string): string {
    return readFileSync(this.path(name), 'utf8');
  }

  /** Runs `openssl args…` in the workspace; throws with stderr when it fails. */
  run(...args: string[]): string {
    return execFileSync('openssl', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Runs `openssl args…` and returns its exit status and output instead of throwing. */
  status(...args: string[]): { status: number; output: string } {
    const result = spawnSync('openssl', args, { cwd: this.dir, encoding: 'utf8' });
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
