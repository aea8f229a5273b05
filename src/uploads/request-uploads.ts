import { finished } from 'node:stream/promises';
import { Upload, type FileUpload } from 'graphql-upload-ts';
import type { MediaType } from '../graph/message-sends.js';
import { readMediaFile, type MediaFile } from './media-file.js';
import { readProfilePicture, type ProfilePicture } from './profile-picture.js';
import type { UploadSlots } from './upload-slots.js';

/** A checked picture and the upload slot it holds until it has been sent: call `release()` then. */
export interface ReservedPicture {
  picture: ProfilePicture;
  release: () => void;
}

/** A checked media file and the upload slot it holds until it has been sent: call `release()` then. */
export interface ReservedMedia {
  media: MediaFile;
  release: () => void;
}

/**
 * The uploads of one multipart request, from the parser to the end of the response.
 *
 * - Every spooled file is released when the response ends, including a file part that arrives only
 *   afterwards (the operation never used it, or failed first): graphql-upload-ts releases only the
 *   files it has by then, and would leave a late one's temp file and descriptor behind for good.
 * - A picture is checked once, however many mutations of the operation use the same upload.
 * - A picture takes one of the process's upload slots only once it is fully spooled.
 */
export class RequestUploads {
  private readonly uploads = new Set<Upload>();
  private readonly pictures = new Map<Promise<FileUpload>, Promise<ProfilePicture>>();
  private ended = false;

  constructor(
    private readonly slots: UploadSlots,
    /** Aborts when the client goes away: a waiting upload stops waiting. */
    private readonly signal: AbortSignal,
    /** MAX_MEDIA_UPLOAD_BYTES. */
    private readonly maxMediaBytes: number = 5 * 1024 * 1024,
  ) {}

  /** Registers every `Upload` the parser placed in the operation (variables of each operation of a batch). */
  track(operations: unknown): void {
    for (const upload of uploadsIn(operations)) {
      this.uploads.add(upload);
      if (this.ended) discardWhenArrived(upload);
    }
  }

  /** The response has ended: no file of this request is needed any more, now or when it arrives. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const upload of this.uploads) discardWhenArrived(upload);
  }

  /**
   * Waits for the file to be spooled, then for a slot; checks the picture (once per upload) while
   * holding it. The caller sends the picture, then releases the slot.
   */
  async reservePicture(upload: Promise<FileUpload>): Promise<ReservedPicture> {
    await spooled(upload);
    const release = await this.slots.acquire(this.signal);
    try {
      return { picture: await this.checkedPicture(upload), release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * A media file for a message: its type and size are checked while it is spooled (so a file of the
   * wrong type is refused before its bytes are waited for), then it waits for a slot like a picture.
   */
  async reserveMedia(upload: Promise<FileUpload>, type: MediaType): Promise<ReservedMedia> {
    const media = await readMediaFile(upload, type, this.maxMediaBytes);
    const release = await this.slots.acquire(this.signal);
    return { media, release };
  }

  private checkedPicture(upload: Promise<FileUpload>): Promise<ProfilePicture> {
    let picture = this.pictures.get(upload);
    if (!picture) {
      picture = readProfilePicture(upload);
      this.pictures.set(upload, picture);
    }
    return picture;
  }
}

/** Settles when the file is completely on disk, or has failed (the reader then reports why). */
async function spooled(upload: Promise<FileUpload>): Promise<void> {
  try {
    await finished((await upload).capacitor);
  } catch {
    // A missing, refused or interrupted file: readProfilePicture says which, with the right error.
  }
}

/**
 * Removes the temp file as soon as it exists (or at once); a file that never arrives has none.
 * Destroying with an error, not fs-capacitor's `release()`: graphql-upload-ts unpipes and drains the
 * part on a spool error, while after a plain destroy the part would stay paused, and with it the
 * rest of the request body and the connection.
 */
function discardWhenArrived(upload: Upload): void {
  upload.promise.then(
    (file) => file.capacitor.destroy(new Error('The response has ended: the upload is no longer needed')),
    () => undefined,
  );
}

/** The `Upload` instances in a parsed multipart operation (the parser puts them in the variables). */
function uploadsIn(operations: unknown): Upload[] {
  const found: Upload[] = [];
  // A stack, not recursion: `operations` is client JSON and may nest deeper than the call stack.
  const stack = [operations];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value instanceof Upload) found.push(value);
    else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) stack.push(item);
  }
  return found;
}
