import { describe, expect, it } from 'vitest';
import { GRAPH_ERRORS, GraphError, type GraphErrorSpec } from '../../src/sandbox/graph-errors.js';

const entries = Object.entries(GRAPH_ERRORS) as [string, GraphErrorSpec][];

describe('the Graph error table', () => {
  it.each(entries)('%s names its source: a Meta document or an ASSUMPTION', (_name, spec) => {
    expect(spec.source).toMatch(/^(Meta|ASSUMPTION)/);
  });

  it('WhatsApp codes (130000+) carry error_data details and a "(#code) " message', () => {
    for (const [, spec] of entries.filter(([, s]) => s.code >= 130_000)) {
      expect(spec.details).toBeTruthy();
      expect(spec.message.startsWith(`(#${spec.code}) `)).toBe(true);
    }
  });

  it('statuses are the documented ones for the group codes (Meta: Groups error codes)', () => {
    expect(GRAPH_ERRORS.groupUnknown.status).toBe(400);
    expect(GRAPH_ERRORS.groupSuspended.status).toBe(403);
    expect(GRAPH_ERRORS.groupRateLimit.status).toBe(429);
    expect(GRAPH_ERRORS.pictureAspectRatio.code).toBe(131209);
    expect(GRAPH_ERRORS.pictureTooSmall.code).toBe(131210);
  });

  it('builds the envelope in Graph key order with the given fbtrace_id', () => {
    const envelope = new GraphError(GRAPH_ERRORS.throughputRateLimit).envelope('Az8or2yhqkZfEZ-_4Qn_Bam');
    expect(JSON.stringify(envelope)).toBe(
      '{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,' +
        '"error_data":{"messaging_product":"whatsapp","details":"Cloud API message throughput has been reached."},' +
        '"is_transient":true,"fbtrace_id":"Az8or2yhqkZfEZ-_4Qn_Bam"}}',
    );
  });
});
