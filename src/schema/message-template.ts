import { GatewayError } from '../errors.js';
import type { TemplateContent } from '../graph/message-sends.js';
import { builder } from './builder.js';

/**
 * ASSUMPTION: template names are what WhatsApp Manager allows (lowercase letters, digits and
 * underscores, at most 512 characters); language codes are Meta's `en`, `en_US`, `zh_CN`, `pt_BR`
 * shapes. Anything else could never match a template, so it is refused before any upstream call.
 */
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Za-z]{2,4})?$/;

export const GroupTemplateInput = builder.inputType('GroupTemplateInput', {
  description: 'An approved message template.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The template name (lowercase letters, digits, underscores).' }),
    languageCode: t.string({ required: true, description: 'The template language, e.g. `en` or `en_US`.' }),
    components: t.field({
      type: 'JSON',
      description: 'The template\'s `components` as the Graph API takes them (a JSON array: header, body and button parameters), passed on unchanged.',
    }),
  }),
});

export const InviteTemplateInput = builder.inputType('InviteTemplateInput', {
  description: 'The approved template that carries the invite: its body has one parameter, which the gateway fills with the group (`{"type":"group_id"}`); Meta turns it into the invite link on delivery.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'The template name (lowercase letters, digits, underscores).' }),
    languageCode: t.string({ required: true, description: 'The template language, e.g. `en` or `en_US`.' }),
  }),
});

/** Name, language and components checked: every problem in one BAD_USER_INPUT. */
export function checkTemplate(template: { name: string; languageCode: string; components?: unknown }, path: string): TemplateContent {
  const problems: string[] = [];
  if (!TEMPLATE_NAME.test(template.name)) problems.push(`${path}.name must be 1 to 512 lowercase letters, digits and underscores`);
  if (!LANGUAGE_CODE.test(template.languageCode)) problems.push(`${path}.languageCode must look like "en" or "en_US"`);
  const components = template.components;
  if (components != null && !(Array.isArray(components) && components.every((c) => typeof c === 'object' && c !== null && !Array.isArray(c)))) {
    problems.push(`${path}.components must be a JSON array of objects (the Graph API's template components)`);
  }
  if (problems.length > 0) throw new GatewayError('BAD_USER_INPUT', `Invalid template: ${problems.join('; ')}`);
  return {
    name: template.name,
    language: { code: template.languageCode },
    ...(Array.isArray(components) ? { components } : {}),
  };
}
