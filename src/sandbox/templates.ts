/**
 * The message templates of the emulated WhatsApp Business Account. Meta only sends approved
 * templates, and their category decides where they may go (no authentication templates in
 * groups, Group messaging) and how they are priced.
 * ASSUMPTION: the sandbox has no template management; any name not listed here is taken as an
 * approved utility template, so a gateway can be tried with its own template names.
 */
export type TemplateCategory = 'marketing' | 'utility' | 'authentication';

/** Templates with a known category (documented in docs/graph-api-facts.md). */
export const SANDBOX_TEMPLATES: Readonly<Record<string, TemplateCategory>> = {
  hello_world: 'utility',
  group_invite: 'utility',
  weekly_promo: 'marketing',
  verification_code: 'authentication',
  otp_login: 'authentication',
};

export function templateCategory(name: string): TemplateCategory {
  return SANDBOX_TEMPLATES[name] ?? 'utility';
}
