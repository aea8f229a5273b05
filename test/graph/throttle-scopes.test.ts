import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../src/graph/client.js';
import { backoffSeconds, closedScopeKey, scopeKeysOf } from '../../src/graph/throttle-scopes.js';

describe('throttle scopes', () => {
  it('each code closes the scope Meta names, on the route that names it', () => {
    const send = { kind: 'messages.send', template: '/{phone-number-id}/messages', phoneNumberId: '15550100199', recipient: '+16505551234', groupId: undefined } as const;
    const group = { kind: 'group.read', template: '/{group-id}', groupId: 'G1' } as const;
    expect(closedScopeKey(send, 'fp', 131056)?.scope).toBe('pair');
    expect(closedScopeKey(send, 'fp', 130429)).toEqual({ scope: 'phone_number', key: 'phone_number:fp:15550100199' });
    expect(closedScopeKey(group, 'fp', 613)).toEqual({ scope: 'app', key: 'app:fp' });
    expect(closedScopeKey(group, 'fp', 131208)).toEqual({ scope: 'group', key: 'group:fp:G1' });
    // A route that does not name what the code is about closes nothing (never a guess).
    expect(closedScopeKey(group, 'fp', 131056)).toBeUndefined();
    expect(closedScopeKey(group, 'fp', 100)).toBeUndefined();
  });

  it('keeps a recipient as a digest, never in clear', () => {
    const keys = scopeKeysOf({ kind: 'messages.send', template: '/{phone-number-id}/messages', phoneNumberId: '1', recipient: '16505551234' }, 'fp');
    expect(keys.map((k) => k.scope)).toEqual(['app', 'phone_number', 'pair']);
    expect(keys.map((k) => k.key).join(' ')).not.toContain('16505551234');
  });

  it('backs off 4^n seconds from each scope base, bounded', () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds('pair', n, 3600))).toEqual([1, 4, 16, 64]);
    expect([1, 2, 3].map((n) => backoffSeconds('app', n, 3600))).toEqual([60, 240, 960]);
    expect(backoffSeconds('group', 40, 3600)).toBe(3600);
  });
});

describe('the wait a throttled answer gives', () => {
  it('reads estimated_time_to_regain_access (minutes) from either usage header, the largest winning', () => {
    expect(retryAfterSeconds({ 'x-business-use-case-usage': JSON.stringify({ '1': [{ estimated_time_to_regain_access: 2 }, { estimated_time_to_regain_access: 5 }] }) })).toBe(300);
    expect(retryAfterSeconds({ 'x-app-usage': JSON.stringify({ call_count: 100, estimated_time_to_regain_access: 3 }) })).toBe(180);
    expect(retryAfterSeconds({ 'x-app-usage': JSON.stringify({ call_count: 28 }), 'retry-after': '7' })).toBe(7);
  });

  it('ignores malformed headers', () => {
    expect(retryAfterSeconds({ 'x-business-use-case-usage': '{not json', 'x-app-usage': '[1,2]' })).toBeUndefined();
    expect(retryAfterSeconds({ 'x-business-use-case-usage': JSON.stringify({ '1': [{ estimated_time_to_regain_access: 'soon' }, null] }) })).toBeUndefined();
  });
});
