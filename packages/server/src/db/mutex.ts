/**
 * A first-come, first-served lock. PGlite is one connection: a transaction holds it from BEGIN
 * to COMMIT, and every other statement (Kysely's or the job queue's) must wait its turn, or it
 * would run inside someone else's transaction.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Waits for the lock; the returned function releases it (call it exactly once). */
  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    await previous;
    return release;
  }

  /** Runs `fn` while holding the lock. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
