/**
 * Who is calling: the access token (`Authorization: Bearer`; Graph also takes an
 * `access_token` parameter) and, when the app secret is set, `appsecret_proof`
 * (Meta: Login security, https://developers.facebook.com/docs/facebook-login/security/).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { graphError, type GraphError } from './graph-errors.js';
import { stringParam, type Params } from './params.js';
import type { TokenRegistry } from './tokens.js';

export type ProofVerdict = 'timed' | 'untimed' | 'invalid' | 'absent';

/** A timed proof expires after 5 minutes (Login security). */
const PROOF_MAX_AGE_SECONDS = 5 * 60;

export function extractToken(headers: IncomingHttpHeaders, params: Params): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? stringParam(params, 'access_token') ?? undefined;
}

/**
 * Timed: HMAC-SHA256(secret, token + "|" + appsecret_time) with the time within 5 minutes.
 * Untimed: HMAC-SHA256(secret, token). Unclear whether Meta still takes the untimed
 * form; the emulator accepts both.
 */
export function judgeProof(secret: string, token: string, params: Params, nowSeconds: number): ProofVerdict {
  const proof = stringParam(params, 'appsecret_proof');
  if (proof === undefined || proof === '') return 'absent';
  const time = stringParam(params, 'appsecret_time');
  if (time === undefined) return sameHex(proof, hmac(secret, token)) ? 'untimed' : 'invalid';
  const seconds = Number(time);
  const fresh = Number.isInteger(seconds) && Math.abs(nowSeconds - seconds) <= PROOF_MAX_AGE_SECONDS;
  return fresh && sameHex(proof, hmac(secret, `${token}|${time}`)) ? 'timed' : 'invalid';
}

function hmac(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface AuthInput {
  token: string | undefined;
  params: Params;
  tokens: TokenRegistry;
  appSecret: string | undefined;
}

export interface AuthResult {
  token?: string;
  proof?: ProofVerdict;
  error?: GraphError;
}

/** Checks in Graph's order: token present (104), token known (190), then the proof. */
export function authenticate({ token, params, tokens, appSecret }: AuthInput): AuthResult {
  const proof = appSecret === undefined || token === undefined
    ? undefined
    : judgeProof(appSecret, token, params, Math.floor(Date.now() / 1000));
  const withProof = proof === undefined ? {} : { proof };
  if (token === undefined) return { error: graphError('tokenRequired') };
  if (!tokens.isKnown(token)) return { token, ...withProof, error: graphError('tokenInvalid') };
  if (proof === 'absent') return { token, proof, error: graphError('appsecretProofMissing') };
  if (proof === 'invalid') return { token, proof, error: graphError('appsecretProofInvalid') };
  return { token, ...withProof };
}
