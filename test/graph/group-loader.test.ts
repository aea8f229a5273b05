import { describe, expect, it } from 'vitest';
import type { GraphCredentials } from '../../src/graph/client.js';
import { createGroupLoader } from '../../src/graph/group-loader.js';
import type { GraphRead, GraphReader } from '../../src/graph/graph-reader.js';
import { createReadLoader } from '../../src/graph/read-loader.js';

/** A reader that records each call's reads and answers with a version counter per call. */
function countingReader() {
  const calls: { id: string; edge?: string | undefined; params: Readonly<Record<string, string>> }[][] = [];
  const reader = {
    async read(reads: readonly GraphRead[]) {
      calls.push(reads.map((r) => ({ id: r.id, ...(r.edge ? { edge: r.edge } : {}), params: r.params })));
      return reads.map((r) => (r.edge ? { invite_link: `https://chat.whatsapp.com/${r.id}-v${calls.length}` } : { id: r.id, subject: `${r.id} v${calls.length}` }));
    },
  } as unknown as GraphReader;
  return { reader, calls };
}

const credentials: GraphCredentials = { token: 't' };

describe('group loader: forget(id)', () => {
  it('drops the cached lookups of that group for every field set, and only of that group', async () => {
    const { reader, calls } = countingReader();
    const loader = createGroupLoader(createReadLoader(reader, credentials));
    await Promise.all([
      loader.load({ id: 'g1', fields: ['id', 'subject'] }),
      loader.load({ id: 'g1', fields: ['id'] }),
      loader.load({ id: 'g10', fields: ['id', 'subject'] }),
    ]);
    expect(calls).toHaveLength(1);

    loader.forget('g1');
    const [g1, g1Narrow, g10] = await Promise.all([
      loader.load({ id: 'g1', fields: ['id', 'subject'] }),
      loader.load({ id: 'g1', fields: ['id'] }),
      loader.load({ id: 'g10', fields: ['id', 'subject'] }),
    ]);
    // g1 is read again (one read for both field sets); g10, whose id starts like g1's, stays cached.
    expect(calls).toEqual([
      [
        { id: 'g1', params: { fields: 'id,subject' } },
        { id: 'g10', params: { fields: 'id,subject' } },
      ],
      [{ id: 'g1', params: { fields: 'id,subject' } }],
    ]);
    expect(g1.subject).toBe('g1 v2');
    expect(g1Narrow.subject).toBe('g1 v2');
    expect(g10.subject).toBe('g10 v1');
  });

  it('node reads and edge reads wanted in the same tick go to the reader together, in whichever order they came', async () => {
    const { reader, calls } = countingReader();
    const reads = createReadLoader(reader, credentials);
    const groups = createGroupLoader(reads);
    await Promise.all([
      reads.load({ id: 'g1', edge: 'invite_link', params: {} }),
      groups.load({ id: 'g2', fields: ['id', 'participants'] }),
    ]);
    expect(calls).toEqual([
      [
        { id: 'g1', edge: 'invite_link', params: {} },
        { id: 'g2', params: { fields: 'id,participants' } },
      ],
    ]);
  });

  it('forget(id) also drops the cached edges of that group', async () => {
    const { reader, calls } = countingReader();
    const reads = createReadLoader(reader, credentials);
    const groups = createGroupLoader(reads);
    const before = await reads.load({ id: 'g1', edge: 'invite_link', params: {} });
    await reads.load({ id: 'g1', edge: 'invite_link', params: {} });
    expect(calls).toHaveLength(1);
    groups.forget('g1');
    const after = await reads.load({ id: 'g1', edge: 'invite_link', params: {} });
    expect(calls).toHaveLength(2);
    expect(after.invite_link).not.toBe(before.invite_link);
  });
});
