/**
 * What every benchmark run seeds into its sandbox: a token that sees every group, and groups with
 * 8 participants and a realistic description (so "every field" is a fair comparison for pushdown).
 */
import { greyJpeg } from './jpeg.js';
import type { SandboxAdmin } from './sandbox-admin.js';
import type { Fixture } from './scenarios.js';
import type { BenchSettings } from './settings.js';

export const TOKEN = 'bench-token';
/** 20 read by (a)–(c), one updated by (d), one by (e), and the rest for the 120-representation check. */
export const GROUPS = 120;

export async function seedFixture(admin: SandboxAdmin, settings: Pick<BenchSettings, 'graphApiVersion'>, groups: number): Promise<Fixture> {
  await admin.createToken(TOKEN);
  const groupIds: string[] = [];
  for (let i = 0; i < groups; i++) {
    groupIds.push(
      await admin.seedGroup({
        subject: `Bench group ${i + 1}`,
        description: 'Weekly updates for the regional sales team: targets, shipping dates and the on-call rota. Ask in the group before changing an order.',
        participants: 8,
      }),
    );
  }
  const skipped = 'not detected yet';
  return {
    token: TOKEN,
    version: settings.graphApiVersion,
    groupIds,
    picture: greyJpeg(1 << 20),
    mutations: { updateGroup: { skipped }, upload: { skipped } },
  };
}
