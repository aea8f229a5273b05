import { Writable } from 'node:stream';

/** A pino destination that keeps what was logged, for tests that read the log lines back. */
export class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
  /** Every line so far, parsed. */
  get lines(): Record<string, unknown>[] {
    return this.text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
