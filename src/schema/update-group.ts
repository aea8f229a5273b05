import { locatedError, responsePathAsArray } from 'graphql';
import type { FileUpload } from 'graphql-upload-ts';
import type { GatewayContext } from '../context.js';
import { GatewayError, PartialUpdateError } from '../errors.js';
import type { GroupTextChanges, WriteReceipt } from '../graph/group-writes.js';
import type { ReservedPicture } from '../uploads/request-uploads.js';
import { builder } from './builder.js';
import { GroupRef, loadGroup } from './group.js';
import { assertGroupId } from './group-id.js';
import './upload.js';

/** Meta, "Group management": subject 1..128 characters after trimming, description at most 2048. */
export const SUBJECT_MAX_LENGTH = 128;
export const DESCRIPTION_MAX_LENGTH = 2048;

type UpdateGroupFieldName = 'SUBJECT' | 'DESCRIPTION' | 'PROFILE_PICTURE';

export const UpdateGroupField = builder.enumType('UpdateGroupField', {
  description: 'A part of a group that `updateGroup` changes.',
  values: {
    SUBJECT: { description: 'The group name.' },
    DESCRIPTION: { description: 'The group description.' },
    PROFILE_PICTURE: { description: 'The group profile picture.' },
  } as const,
});

const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  description: 'The group to change and the new values: at least one of subject, description, profilePicture.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The group id.' }),
    subject: t.string({ description: `The new name: 1 to ${SUBJECT_MAX_LENGTH} characters after trimming whitespace (it is sent trimmed).` }),
    description: t.string({ description: `The new description: at most ${DESCRIPTION_MAX_LENGTH} characters; the empty string clears it.` }),
    profilePicture: t.field({
      type: 'Upload',
      description: 'The new profile picture, sent as a multipart upload: a JPEG, at most 5 MiB, square, at least 192×192 pixels.',
    }),
  }),
});

interface UpdateGroupResult {
  id: string;
  updatedFields: UpdateGroupFieldName[];
  requestIds: string[];
  success: boolean;
}

const UpdateGroupPayload = builder.objectRef<UpdateGroupResult>('UpdateGroupPayload').implement({
  description: 'What `updateGroup` changed.',
  fields: (t) => ({
    success: t.exposeBoolean('success', {
      nullable: false,
      description:
        'True when the Graph API accepted every requested change. False only when it accepted some and then refused the rest: `updatedFields` lists what changed, and an error (with `extensions.failedFields`) says why the rest did not.',
    }),
    updatedFields: t.field({
      type: [UpdateGroupField],
      nullable: false,
      description: 'The parts the Graph API accepted.',
      resolve: (result) => result.updatedFields,
    }),
    requestId: t.string({
      description:
        'The Graph API\'s `request_id`, where it answered with one (the outcome then arrives in a `group_settings_update` webhook). With both text and a picture, the id of the first request; `requestIds` has all.',
      resolve: (result) => result.requestIds[0] ?? null,
    }),
    requestIds: t.stringList({
      nullable: false,
      description: 'Every `request_id` the Graph API answered, one per upstream request (text first, then picture).',
      resolve: (result) => result.requestIds,
    }),
    group: t.field({
      type: GroupRef,
      description: 'The group as the Graph API shows it after the update: read afresh, only when selected.',
      resolve: (result, _args, context, info) => loadGroup(result.id, context, info),
    }),
  }),
});

builder.mutationField('updateGroup', (t) =>
  t.field({
    type: UpdateGroupPayload,
    nullable: false,
    description:
      'Changes a group\'s subject, description and/or profile picture. Everything is validated before any upstream call. Text goes up first (JSON), then the picture (multipart): two requests when both are given.',
    args: { input: t.arg({ type: UpdateGroupInput, required: true }) },
    resolve: async (_root, { input }, context, info) => {
      const id = assertGroupId(String(input.id));
      const text = textChanges(input);
      if (!text && !input.profilePicture) {
        throw new GatewayError('BAD_USER_INPUT', 'Nothing to update: give at least one of subject, description or profilePicture');
      }
      const writer = context.graph.groupWriter;
      // Check the whole picture before anything goes upstream, text included. It holds one of the
      // process's upload slots from then until its upstream answer.
      const reserved = input.profilePicture ? await reservePicture(input.profilePicture, context) : undefined;
      const picture = reserved?.picture;

      const steps: { fields: UpdateGroupFieldName[]; write: () => Promise<WriteReceipt> }[] = [];
      if (text) steps.push({ fields: text.fields, write: () => writer.updateText(id, text.changes) });
      if (picture) steps.push({ fields: ['PROFILE_PICTURE'], write: () => writer.updatePicture(id, picture.file) });

      const result: UpdateGroupResult = { id, updatedFields: [], requestIds: [], success: true };
      try {
        for (const [index, step] of steps.entries()) {
          try {
            const receipt = await step.write();
            result.updatedFields.push(...step.fields);
            if (receipt.requestId) result.requestIds.push(receipt.requestId);
          } catch (error) {
            // Nothing changed yet: a plain error. Otherwise report the payload AND why the rest failed.
            if (result.updatedFields.length === 0 || !(error instanceof GatewayError)) throw error;
            const failedFields = steps.slice(index).flatMap((s) => s.fields);
            const partial = new PartialUpdateError(error, result.updatedFields, failedFields);
            context.partialErrors.push(locatedError(partial, info.fieldNodes, responsePathAsArray(info.path)));
            return { ...result, success: false };
          }
        }
        return result;
      } finally {
        // (Each write drops the group from this request's reads and the group cache itself.)
        reserved?.release();
      }
    },
  }),
);

/**
 * The checked picture and its upload slot. An `Upload` only exists in a multipart request, whose
 * parser (useUploads) sets `context.uploads`. A picture that fails its checks gives its slot back.
 */
function reservePicture(upload: Promise<FileUpload>, context: GatewayContext): Promise<ReservedPicture> {
  if (!context.uploads) throw new Error('An Upload outside a multipart request: useUploads is not installed');
  return context.uploads.reservePicture(upload);
}

/** The JSON part of the update, validated: every problem in one BAD_USER_INPUT. */
function textChanges(input: { subject?: string | null; description?: string | null }):
  | { changes: GroupTextChanges; fields: UpdateGroupFieldName[] }
  | undefined {
  const changes: GroupTextChanges = {};
  const fields: UpdateGroupFieldName[] = [];
  const problems: string[] = [];
  if (input.subject != null) {
    const subject = input.subject.trim();
    const length = characters(subject);
    if (length === 0) problems.push(`subject must not be empty or only whitespace: give 1 to ${SUBJECT_MAX_LENGTH} characters`);
    else if (length > SUBJECT_MAX_LENGTH) problems.push(`subject is ${length} characters long after trimming: at most ${SUBJECT_MAX_LENGTH} are allowed`);
    changes.subject = subject;
    fields.push('SUBJECT');
  }
  if (input.description != null) {
    const length = characters(input.description);
    if (length > DESCRIPTION_MAX_LENGTH) problems.push(`description is ${length} characters long: at most ${DESCRIPTION_MAX_LENGTH} are allowed`);
    changes.description = input.description;
    fields.push('DESCRIPTION');
  }
  if (problems.length > 0) throw new GatewayError('BAD_USER_INPUT', `Invalid update: ${problems.join('; ')}`);
  return fields.length > 0 ? { changes, fields } : undefined;
}

/** Characters as a person counts them in most scripts: Unicode code points, not UTF-16 units. */
function characters(text: string): number {
  return [...text].length;
}
