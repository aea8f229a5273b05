import { GatewayError } from '../errors.js';

/** Graph phone number ids are digits (e.g. `106540352242922`); 32 bounds anything plausible. */
const PHONE_NUMBER_ID = /^[0-9]{1,32}$/;

/** Refuses a phone number id that is not 1 to 32 digits, before it reaches a URL. */
export function assertPhoneNumberId(id: string): string {
  if (!PHONE_NUMBER_ID.test(id)) {
    throw new GatewayError('BAD_USER_INPUT', `Invalid phone number id: it must be 1 to 32 digits (the business phone number's Graph id, not the phone number); got ${JSON.stringify(id.slice(0, 40))}${id.length > 40 ? '…' : ''}`);
  }
  return id;
}
