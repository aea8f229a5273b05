import { FormData } from 'undici';
import type { GraphClient, GraphCredentials } from './client.js';
import { UpstreamError } from './errors.js';

/**
 * `POST /{v}/{phone-number-id}/media` as multipart/form-data (Cloud API "Media", upload media):
 * `messaging_product=whatsapp`, `type` = the MIME type, and the `file` part. Answers `{"id"}`, the
 * media id a message then names. Never retried; the file arrives already checked.
 */
export class MediaUploader {
  constructor(
    private readonly client: GraphClient,
    private readonly credentials: GraphCredentials,
  ) {}

  /**
   * `file` is a native Blob of known size, usually backed by the spooled upload (`fs.openAsBlob`):
   * undici streams it from disk with a Content-Length, never holding it whole in memory.
   */
  async upload(phoneNumberId: string, file: Blob, mimeType: string, filename: string): Promise<string> {
    // undici's own FormData: Node's global one fails inside undici 7 (notes §4.5).
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    form.set('file', file.type === mimeType ? file : new Blob([file], { type: mimeType }), filename);
    const answer = await this.client.call<{ id?: unknown }>(
      {
        method: 'POST',
        path: `/${encodeURIComponent(phoneNumberId)}/media`,
        route: { kind: 'media.upload', template: '/{phone-number-id}/media', phoneNumberId },
        body: { multipart: form },
      },
      this.credentials,
    );
    const id = answer?.id;
    if ((typeof id !== 'string' || id.length === 0) && typeof id !== 'number') {
      throw new UpstreamError('UPSTREAM_ERROR', 'The Graph API accepted the media upload without answering its id');
    }
    return String(id);
  }
}
