import { describe, expect, it } from 'vitest';
import { UploadSlots } from '../../src/uploads/upload-slots.js';

const never = new AbortController().signal;

describe('upload slots', () => {
  it('hands a released slot to the longest-waiting upload', async () => {
    const slots = new UploadSlots({ max: 1, waitTimeoutMs: 10_000 });
    const release = await slots.acquire(never);
    const order: string[] = [];
    const second = slots.acquire(never).then((r) => (order.push('second'), r));
    const third = slots.acquire(never).then((r) => (order.push('third'), r));
    release();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
  });

  it('a waiting upload whose client went away leaves the queue, and the slot goes to the next', async () => {
    const slots = new UploadSlots({ max: 1, waitTimeoutMs: 10_000 });
    const release = await slots.acquire(never);
    const gone = new AbortController();
    const abandoned = slots.acquire(gone.signal);
    const next = slots.acquire(never);
    gone.abort(new Error('client gone'));
    await expect(abandoned).rejects.toThrow('client gone');
    release();
    expect(typeof (await next)).toBe('function');
  });

  it('past the wait, RATE_LIMITED with retryAfterSeconds 1, and the queue is left', async () => {
    const slots = new UploadSlots({ max: 1, waitTimeoutMs: 50 });
    const release = await slots.acquire(never);
    await expect(slots.acquire(never)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    release();
    // The timed-out upload did not keep a place: the slot is free at once.
    const again = await slots.acquire(never);
    again();
  });
});
