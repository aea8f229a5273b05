/**
 * Effects that Meta applies a moment after answering (a created group appears later,
 * its webhook after that). close() cancels what has not happened yet, so a stopped
 * sandbox leaves no timer behind.
 */
export class DelayedEffects {
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  after(ms: number, effect: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      effect();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  get pending(): number {
    return this.#timers.size;
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
