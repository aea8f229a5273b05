/**
 * Demo data for `npm start` without an upstream: a few groups and one public token, so
 * a newcomer's GraphiQL works without credentials. Seeded deterministically: the ids
 * are the same on every start, so docs and default queries can name them.
 */
import { encodeGroupId, randomGroupJid } from './ids.js';
import { randomParticipants } from './participants.js';
import { seededRandom } from './random.js';
import { BUSINESS_PHONE, type GroupStore, type SeedGroupInput } from './store.js';
import type { TokenRegistry } from './tokens.js';

/** A public demo credential; it only opens this emulator. */
export const DEMO_TOKEN = 'EAASandboxDemoToken0PublicAndHarmless0OnlyValidOnTheLocalSandbox';

const DEMO_SEED = 20_260_101;

const DEMO_GROUPS: (Omit<SeedGroupInput, 'participants'> & { participants: number })[] = [
  {
    subject: 'Weekend hikers',
    description: 'Routes, lifts and weather for Saturday walks.',
    participants: 5,
    creationTimestamp: 1_767_268_800,
  },
  { subject: 'Book club', participants: 3, joinApprovalMode: 'approval_required', creationTimestamp: 1_768_478_400 },
  {
    subject: 'Support escalations',
    description: 'Urgent customer cases only.',
    participants: 8,
    creationTimestamp: 1_769_688_000,
  },
  { subject: 'Old promo group', participants: 2, suspended: true, creationTimestamp: 1_770_897_600 },
];

export interface DemoData {
  token: string;
  groupIds: string[];
}

export function seedDemoData(store: GroupStore, tokens: TokenRegistry): DemoData {
  const random = seededRandom(DEMO_SEED);
  const groupIds = DEMO_GROUPS.map((demo) => {
    const id = encodeGroupId(BUSINESS_PHONE, randomGroupJid(random));
    return store.seedGroup({ ...demo, id, participants: randomParticipants(random, demo.participants) }).id;
  });
  tokens.addToken(DEMO_TOKEN, { groups: groupIds });
  return { token: DEMO_TOKEN, groupIds };
}
