/**
 * One writer per embedded data directory. PGlite has no locking of its own, and two processes
 * writing one directory corrupt it, so the first opener writes `ehc.lock` (pid, host, command,
 * and the URL when it is a server) and everyone else gets DATA_DIR_LOCKED naming the holder.
 * A lock left by a dead process on this host is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../lib/errors.js';

export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
  /** Base URL when the holder is a running server (lets the CLI go through its admin API). */
  url?: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Records more about the holder, e.g. the URL once the server listens. */
  update(extra: Partial<LockHolder>): void;
  release(): void;
}

export class DataDirLockedError extends AppError {
  readonly holder: LockHolder;
  constructor(dataDir: string, holder: LockHolder) {
    const url = holder.url ? ` at ${holder.url}` : '';
    super(
      'DATA_DIR_LOCKED',
      `the data directory ${dataDir} is in use by "${holder.command}" (pid ${holder.pid} on ${holder.hostname}${url}, since ${holder.startedAt}); ` +
        'stop that process first, or send the change through the running server',
      { holder },
    );
    this.holder = holder;
  }
}

const LOCK_FILE = 'ehc.lock';

/** Reads the current holder, or undefined when the directory is free. */
export function readLockHolder(dataDir: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as LockHolder;
    return isStale(holder) ? undefined : holder;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock on `dataDir` for this process.
 * @throws DataDirLockedError when a live process holds it.
 */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  let holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    command,
    startedAt: new Date().toISOString(),
  };

  for (let attempt = 0; attempt < 3; attempt++) {
    const tmp = `${lockPath}.${process.pid}.${attempt}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(holder));
    try {
      // link() fails if the lock exists: an atomic "create if absent" with the content in place.
      fs.linkSync(tmp, lockPath);
      fs.unlinkSync(tmp);
      break;
    } catch (error) {
      fs.unlinkSync(tmp);
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let current: LockHolder | undefined;
      try {
        current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockHolder;
      } catch {
        current = undefined; // unreadable or vanished: treat as stale
      }
      if (current && !isStale(current)) throw new DataDirLockedError(dataDir, current);
      // Stale: move it aside atomically, so only one contender removes it.
      try {
        fs.renameSync(lockPath, `${lockPath}.stale`);
      } catch {
        // another contender moved it first; try again
      }
      if (attempt === 2) throw new Error(`could not take the lock ${lockPath}`);
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockHolder;
      if (current.pid === process.pid) fs.unlinkSync(lockPath);
    } catch {
      // already gone
    }
    process.off('exit', release);
  };
  process.on('exit', release);

  return {
    path: lockPath,
    update(extra) {
      holder = { ...holder, ...extra };
      const tmp = `${lockPath}.${process.pid}.update.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(holder));
      fs.renameSync(tmp, lockPath);
    },
    release,
  };
}

function isStale(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return false; // cannot tell; assume alive
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
