import { describe, expect, it } from 'vitest';
import type { GraphCredentials } from '../../src/graph/client.js';
import { createGroupLoader } from '../../src/graph/group-loader.js';
import type { GroupReader } from '../../src/graph/group-reader.js';
import type { GraphGroup } from '../../src/graph/types.js';

/** A reader that records each read and answers with a version counter per id. */
function countingReader() {
  const reads: { ids: string[]; fields: string[] }[] = [];
  const reader = {
    async read(ids: readonly string[], fields: readonly string[]) {
      reads.push({ ids: [...ids], fields: [...fields] });
      return new Map<string, GraphGroup>(ids.map((id) => [id, { id, subject: `${id} v${reads.length}` }]));
    },
  } as unknown as GroupReader;
  return { reader, reads };
}

const credentials: GraphCredentials = { token: 't' };

describe('group loader: forget(id)', () => {
  it('drops the cached lookups of that group for every field set, and only of that group', async () => {
    const { reader, reads } = countingReader();
    const loader = createGroupLoader(reader, credentials);
    await Promise.all([
      loader.load({ id: 'g1', fields: ['id', 'subject'] }),
      loader.load({ id: 'g1', fields: ['id'] }),
      loader.load({ id: 'g10', fields: ['id', 'subject'] }),
    ]);
    expect(reads).toHaveLength(1);

    loader.forget('g1');
    const [g1, g1Narrow, g10] = await Promise.all([
      loader.load({ id: 'g1', fields: ['id', 'subject'] }),
      loader.load({ id: 'g1', fields: ['id'] }),
      loader.load({ id: 'g10', fields: ['id', 'subject'] }),
    ]);
    // g1 is read again (one batch for both field sets); g10, whose id starts like g1's, stays cached.
    expect(reads).toEqual([
      { ids: ['g1', 'g10'], fields: ['id', 'subject'] },
      { ids: ['g1'], fields: ['id', 'subject'] },
    ]);
    expect(g1.subject).toBe('g1 v2');
    expect(g1Narrow.subject).toBe('g1 v2');
    expect(g10.subject).toBe('g10 v1');
  });
});
