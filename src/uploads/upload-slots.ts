import { UpstreamError } from '../graph/errors.js';

export interface UploadSlotsOptions {
  /** Pictures being read, checked or sent upstream at once (MAX_CONCURRENT_UPLOADS). */
  max: number;
  /** How long an upload may wait for a slot before it fails RATE_LIMITED (UPLOAD_WAIT_TIMEOUT_MS). */
  waitTimeoutMs: number;
}

/**
 * A bound on the pictures one process works on at once. An upload takes a slot only once its file
 * is completely spooled to disk, so a slow client holds no slot while it sends; beyond `max`, uploads
 * wait in arrival order, each up to `waitTimeoutMs`, then fail RATE_LIMITED (retry in a second).
 * A waiting upload whose client has gone leaves the queue at once.
 */
export class UploadSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: UploadSlotsOptions) {}

  /** Resolves with the slot's release function (calling it twice is harmless). */
  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.active < this.options.max && this.waiting.length === 0) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
      };
      const wake = () => {
        leave();
        resolve();
      };
      const onAbort = () => {
        leave();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        leave();
        reject(this.timedOut());
      }, this.options.waitTimeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
    // The releasing upload handed its slot over: `active` is unchanged.
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }

  private timedOut(): UpstreamError {
    const { max, waitTimeoutMs } = this.options;
    return new UpstreamError(
      'RATE_LIMITED',
      `The gateway is at its limit of ${max} profile pictures in progress (MAX_CONCURRENT_UPLOADS) and this one waited ${waitTimeoutMs} ms (UPLOAD_WAIT_TIMEOUT_MS); retry in a second`,
      undefined,
      1,
    );
  }
}
