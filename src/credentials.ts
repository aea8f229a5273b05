import { GatewayError } from './errors.js';

/**
 * The caller's Graph token: the request's `Authorization: Bearer <token>`, else the configured
 * default (WHATSAPP_ACCESS_TOKEN). Without a usable one, the UNAUTHENTICATED error to answer with.
 * One rule for every place that needs to know: the per-request context and the upload parser,
 * which must refuse a file before spooling it.
 */
export function credentialsOf(request: Request, defaultAccessToken: string | undefined): string | GatewayError {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') {
    return defaultAccessToken ?? new GatewayError('UNAUTHENTICATED', 'Send `Authorization: Bearer <WhatsApp access token>` (or configure WHATSAPP_ACCESS_TOKEN)');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? new GatewayError('UNAUTHENTICATED', 'The Authorization header must be `Bearer <WhatsApp access token>`');
}
