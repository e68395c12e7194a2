import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, readLockHolder } from './lock.js';

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehc-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder and names the first one', () => {
    const lock = acquireDataDirLock(dir, 'ehc serve');
    lock.update({ url: 'http://127.0.0.1:8080' });
    let caught: unknown;
    try {
      acquireDataDirLock(dir, 'ehc keys init');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DataDirLockedError);
    expect((caught as DataDirLockedError).code).toBe('DATA_DIR_LOCKED');
    expect((caught as Error).message).toContain(
      `"ehc serve" (pid ${process.pid} on ${os.hostname()} at http://127.0.0.1:8080`,
    );
    expect(readLockHolder(dir)).toMatchObject({
      pid: process.pid,
      command: 'ehc serve',
      url: 'http://127.0.0.1:8080',
    });
    lock.release();
    expect(readLockHolder(dir)).toBeUndefined();
    acquireDataDirLock(dir, 'ehc keys init').release();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    // A real pid that has exited: a short-lived child.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(child.stdout);
    fs.writeFileSync(
      path.join(dir, 'ehc.lock'),
      JSON.stringify({
        pid: deadPid,
        hostname: os.hostname(),
        command: 'ehc serve',
        startedAt: '2026-01-01T00:00:00Z',
      }),
    );
    expect(readLockHolder(dir)).toBeUndefined();
    const lock = acquireDataDirLock(dir, 'ehc db migrate');
    expect(readLockHolder(dir)).toMatchObject({ pid: process.pid, command: 'ehc db migrate' });
    lock.release();
  });

  it('treats a lock from another host as held (it cannot tell whether that process lives)', () => {
    fs.writeFileSync(
      path.join(dir, 'ehc.lock'),
      JSON.stringify({
        pid: 1,
        hostname: 'other-host',
        command: 'ehc serve',
        startedAt: '2026-01-01T00:00:00Z',
      }),
    );
    expect(() => acquireDataDirLock(dir, 'ehc serve')).toThrow(/in use by "ehc serve" \(pid 1 on other-host/);
  });
});
