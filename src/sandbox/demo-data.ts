/**
 * Demo data for `npm start` without an upstream: one business phone number with enough
 * groups to page through, some asking approval with pending join requests, and one
 * public token that manages that number, and one message the business posted in the first
 * featured group (so there is a message to pin or reply to before sending any), so a
 * newcomer's GraphiQL works without credentials. Seeded deterministically: the ids are the
 * same on every start, so docs and default queries can name them.
 */
import { encodeGroupId, randomGroupJid } from './ids.js';
import type { MessageStore } from './message-store.js';
import { randomParticipants } from './participants.js';
import { pick, randomDigits, seededRandom, type Random } from './random.js';
import { BUSINESS_PHONE, type GroupStore, type JoinRequestInput, type SeedGroupInput } from './store.js';
import type { TokenRegistry } from './tokens.js';

/** A public demo credential; it only opens this emulator. */
export const DEMO_TOKEN = 'EAASandboxDemoToken0PublicAndHarmless0OnlyValidOnTheLocalSandbox';

/** The demo business phone number's id (Meta's phone number ids are 15-16 digits). */
export const DEMO_PHONE_NUMBER_ID = '106540352242922';

/**
 * The demo message's id. Meta's look like `wamid.` plus base64; this one is readable, like the
 * demo token, and passes for one (ASSUMPTION: their content is opaque, message-store.ts).
 */
export const DEMO_MESSAGE_ID = 'wamid.SandboxDemoMessage0PostedByTheBusiness0InWeekendHikers';

const DEMO_SEED = 20_260_101;
const FILLER_SEED = 20_260_102;
/** Besides the four featured groups: 64 in all, enough for several pages. */
const FILLER_GROUPS = 60;

type FeaturedGroup = Omit<SeedGroupInput, 'participants'> & { participants: number };

const FEATURED_GROUPS: FeaturedGroup[] = [
  {
    subject: 'Weekend hikers',
    description: 'Routes, lifts and weather for Saturday walks.',
    participants: 5,
    creationTimestamp: 1_767_268_800,
  },
  {
    subject: 'Book club',
    participants: 3,
    joinApprovalMode: 'approval_required',
    creationTimestamp: 1_768_478_400,
    // The last requester has not accepted WhatsApp's terms: approving them fails with 131203.
    joinRequests: [{ waId: '16505551234' }, { waId: '5511987650001' }, { waId: '4915112340002', acceptedTerms: false }],
  },
  {
    subject: 'Support escalations',
    description: 'Urgent customer cases only.',
    participants: 8,
    creationTimestamp: 1_769_688_000,
  },
  { subject: 'Old promo group', participants: 2, suspended: true, creationTimestamp: 1_770_897_600 },
];

const TOPICS = ['Running club', 'Parents', 'Choir', 'Volunteers', 'Chess night', 'Garden share', 'Cycling', 'Study group',
  'Photo walk', 'Board games', 'Yoga', 'Language swap'];
const PLACES = ['Lisbon', 'Lagos', 'Pune', 'Recife', 'Leipzig', 'Austin', 'Porto', 'Accra'];

export interface DemoData {
  token: string;
  phoneNumberId: string;
  /** The featured groups, in the order above (the suspended one last). */
  groupIds: string[];
  /** A message the business posted in the first featured group ("Weekend hikers"). */
  messageId: string;
}

export function seedDemoData(store: GroupStore, tokens: TokenRegistry, messages: MessageStore): DemoData {
  store.addPhoneNumber({ id: DEMO_PHONE_NUMBER_ID, displayPhoneNumber: BUSINESS_PHONE });
  // Older groups first, so the featured ones lead the newest-first list.
  seedFillers(store, seededRandom(FILLER_SEED));
  const random = seededRandom(DEMO_SEED);
  const groupIds = FEATURED_GROUPS.map((demo) => {
    const id = encodeGroupId(BUSINESS_PHONE, randomGroupJid(random));
    const participants = randomParticipants(random, demo.participants);
    return store.seedGroup({ ...demo, id, phoneNumberId: DEMO_PHONE_NUMBER_ID, participants }).id;
  });
  const [hikers] = groupIds as [string];
  messages.add({
    id: DEMO_MESSAGE_ID,
    phoneNumberId: DEMO_PHONE_NUMBER_ID,
    groupId: hikers,
    direction: 'outbound',
    pinnable: true,
    at: 1_767_355_200_000, // 2026-01-02, the day after the group was created
  });
  tokens.addToken(DEMO_TOKEN, { groups: [], phoneNumbers: [DEMO_PHONE_NUMBER_ID] });
  return { token: DEMO_TOKEN, phoneNumberId: DEMO_PHONE_NUMBER_ID, groupIds, messageId: DEMO_MESSAGE_ID };
}

function seedFillers(store: GroupStore, random: Random): void {
  const start = 1_735_689_600; // 2025-01-01
  for (let i = 0; i < FILLER_GROUPS; i++) {
    const approval = i % 4 === 1;
    // One full group asking approval: approving its request fails with 131204.
    const full = i === 5;
    const joinRequests: JoinRequestInput[] = approval || full
      ? Array.from({ length: 1 + (i % 3) }, () => ({ waId: `1555${randomDigits(random, 7)}` }))
      : [];
    store.seedGroup({
      id: encodeGroupId(BUSINESS_PHONE, randomGroupJid(random)),
      phoneNumberId: DEMO_PHONE_NUMBER_ID,
      subject: `${pick(random, TOPICS)} ${pick(random, PLACES)} #${i + 1}`,
      participants: randomParticipants(random, full ? 8 : 1 + Math.floor(random() * 6)),
      joinApprovalMode: approval || full ? 'approval_required' : 'auto_approve',
      creationTimestamp: start + i * 86_400 * 5,
      joinRequests,
    });
  }
}
