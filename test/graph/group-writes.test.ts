import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/graph/errors.js';
import { writeReceipt } from '../../src/graph/group-writes.js';

describe('write answers (Meta\'s docs give two shapes: src/sandbox/options.ts)', () => {
  it('accepts {"success": true}, also as the string "true", without a request id', () => {
    expect(writeReceipt({ success: true }, 'delete')).toEqual({ requestId: undefined });
    expect(writeReceipt({ messaging_product: 'whatsapp', success: 'true' }, 'delete')).toEqual({ requestId: undefined });
  });

  it('accepts {"request_id": …} and keeps the id', () => {
    expect(writeReceipt({ request_id: '784D93D0C468593037EA0B1ECA245D9C' }, 'update')).toEqual({
      requestId: '784D93D0C468593037EA0B1ECA245D9C',
    });
    expect(writeReceipt({ messaging_product: 'whatsapp', request_id: 106540352242922 }, 'update')).toEqual({ requestId: '106540352242922' });
  });

  it('accepts an empty answer (the client reads an empty body as {})', () => {
    expect(writeReceipt({}, 'update')).toEqual({ requestId: undefined });
  });

  it('treats success: false and non-objects as UPSTREAM_ERROR', () => {
    for (const answer of [{ success: false }, { success: 'false' }, [], 'ok', null]) {
      const error = (() => {
        try {
          writeReceipt(answer, 'delete');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe('UPSTREAM_ERROR');
    }
  });
});
