import { FormData } from 'undici';
import type { GraphClient, GraphCredentials } from './client.js';
import { UpstreamError } from './errors.js';
import { writingTo, type GroupChangeListener } from './group-changes.js';

/** The settings `POST /{group-id}` changes with a JSON body (Meta, "Group management", update group settings). */
export interface GroupTextChanges {
  subject?: string;
  description?: string;
}

/** What the Graph API said when it accepted a write. */
export interface WriteReceipt {
  /**
   * Present when the Graph API answers `{"request_id": …}` instead of `{"success": true}` (Meta's
   * OpenAPI spec and client libraries disagree on the answer): the outcome then arrives later in a
   * webhook carrying the same id.
   */
  requestId: string | undefined;
}

/** The writes a resolver can make (see GroupWriter). */
export interface GroupWrites {
  updateText(id: string, changes: GroupTextChanges): Promise<WriteReceipt>;
  updatePicture(id: string, jpeg: Blob): Promise<WriteReceipt>;
  delete(id: string): Promise<WriteReceipt>;
}

/**
 * The group writes, for one caller: update settings (JSON), update the profile picture (multipart)
 * and delete (Meta, "Group management"). Every write carries `messaging_product: whatsapp`; inputs arrive
 * already validated. Each write tells `changes` about the group before it returns.
 */
export class GroupWriter implements GroupWrites {
  constructor(
    private readonly client: GraphClient,
    private readonly credentials: GraphCredentials,
    private readonly changes?: GroupChangeListener,
  ) {}

  /** `POST /{v}/{id}` with `{"messaging_product":"whatsapp","subject"?,"description"?}`. */
  async updateText(id: string, changes: GroupTextChanges): Promise<WriteReceipt> {
    const answer = await writingTo(this.changes, id, () =>
      this.client.call(
        { method: 'POST', path: groupPath(id), route: { kind: 'group.update', template: '/{group-id}', groupId: id }, body: { json: { messaging_product: 'whatsapp', ...changes } } },
        this.credentials,
      ),
    );
    return writeReceipt(answer, 'update');
  }

  /**
   * `POST /{v}/{id}` as multipart/form-data: `messaging_product=whatsapp` and a `file` part of type
   * image/jpeg. The picture is a native Blob of known size (undici sends anything else as
   * "[object Object]"), usually backed by the spooled file (`fs.openAsBlob`): undici sends a
   * Content-Length and streams the bytes from disk, so the picture is never held in memory whole.
   */
  async updatePicture(id: string, jpeg: Blob): Promise<WriteReceipt> {
    // undici's own FormData: Node 20's global one (bundled undici 6) fails inside undici 7 (notes §4.5).
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('file', jpeg.type === 'image/jpeg' ? jpeg : new Blob([jpeg], { type: 'image/jpeg' }), 'profile.jpg');
    const answer = await writingTo(this.changes, id, () =>
      this.client.call(
        { method: 'POST', path: groupPath(id), route: { kind: 'group.picture', template: '/{group-id}', groupId: id }, body: { multipart: form } },
        this.credentials,
      ),
    );
    return writeReceipt(answer, 'picture update');
  }

  /** `DELETE /{v}/{id}` (no body). */
  async delete(id: string): Promise<WriteReceipt> {
    const answer = await writingTo(this.changes, id, () =>
      this.client.call({ method: 'DELETE', path: groupPath(id), route: { kind: 'group.delete', template: '/{group-id}', groupId: id } }, this.credentials),
    );
    return writeReceipt(answer, 'delete');
  }
}

function groupPath(id: string): string {
  return `/${encodeURIComponent(id)}`;
}

/**
 * Accepts every answer shape Meta's spec and the client libraries show for a write: `{"success":true}` (also the string
 * "true"), `{"request_id":"…"}`, or an empty body (read as `{}`). An explicit `success: false`, or
 * something that is not an object, is not an acceptance.
 */
export function writeReceipt(answer: unknown, operation: string): WriteReceipt {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered the group ${operation} with something that is not a JSON object`);
  }
  const { success, request_id: requestId } = answer as { success?: unknown; request_id?: unknown };
  if (success === false || success === 'false') {
    throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered the group ${operation} with success: false`);
  }
  if (typeof requestId === 'number' && Number.isSafeInteger(requestId)) return { requestId: String(requestId) };
  return { requestId: typeof requestId === 'string' && requestId.length > 0 ? requestId : undefined };
}
