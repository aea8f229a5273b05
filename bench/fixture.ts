/**
 * What every benchmark run seeds into its sandbox: a token that sees every group, and groups with
 * 8 participants and a realistic description (so "every field" is a fair comparison for pushdown).
 */
import { greyJpeg } from '../support/jpeg.js';
import type { SandboxAdmin } from './sandbox-admin.js';
import { JOIN_REQUEST_PAGE, type Fixture } from './scenarios.js';
import type { BenchSettings } from './settings.js';

export const TOKEN = 'bench-token';
/**
 * 20 read by (a)–(c) and (g), one updated by (d), one by (e), and the rest for the 120-representation
 * check; the newest 50 are (f)'s page, the newest 20 (h)'s.
 */
export const GROUPS = 120;
/** The business phone number that owns the seeded groups (a made-up id, 15 digits like Meta's). */
export const PHONE_NUMBER_ID = '100000000000777';
/** Pending join requests on each group of (h)'s page. */
const JOIN_REQUESTS = 3;
/** Groups (a)–(e) read or change: their data stays as it always was. */
const READ_OR_CHANGED = 22;

export async function seedFixture(admin: SandboxAdmin, settings: Pick<BenchSettings, 'graphApiVersion'>, groups: number): Promise<Fixture> {
  await admin.createToken(TOKEN);
  await admin.addPhoneNumber(PHONE_NUMBER_ID);
  const groupIds: string[] = [];
  for (let i = 0; i < groups; i++) {
    // The list is newest first, so the last seeded are the first page's.
    const asksApproval = i >= Math.max(groups - JOIN_REQUEST_PAGE, READ_OR_CHANGED);
    groupIds.push(
      await admin.seedGroup({
        subject: `Bench group ${i + 1}`,
        description: 'Weekly updates for the regional sales team: targets, shipping dates and the on-call rota. Ask in the group before changing an order.',
        participants: 8,
        phoneNumberId: PHONE_NUMBER_ID,
        ...(asksApproval ? { joinApprovalMode: 'approval_required' as const, joinRequests: JOIN_REQUESTS } : {}),
      }),
    );
  }
  const skipped = 'not detected yet';
  return {
    token: TOKEN,
    version: settings.graphApiVersion,
    groupIds,
    phoneNumberId: PHONE_NUMBER_ID,
    picture: greyJpeg(1 << 20),
    mutations: { updateGroup: { skipped }, upload: { skipped } },
  };
}
