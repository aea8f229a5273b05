import { pageRequest } from '../graph/paging.js';
import { builder } from './builder.js';
import { connectionType } from './connection.js';
import { GroupRef, partialGroup } from './group.js';
import { assertPhoneNumberId } from './phone-number-id.js';

export const GroupConnection = connectionType('Group', GroupRef, 'group');

builder.queryField('groups', (t) =>
  t.field({
    type: GroupConnection,
    nullable: false,
    description:
      "A business phone number's active groups, a page at a time: `GET /{phone-number-id}/groups` (Meta, \"Group management\", get active groups). " +
      'The list gives each group\'s id, subject and creation time; selecting any other group field reads the page\'s groups through one batch request. ' +
      '`first` (default 25) or `last` (with `before`): 1 to 1024.',
    args: {
      phoneNumberId: t.arg.id({ required: true, description: 'The business phone number id (digits).' }),
      first: t.arg.int({ description: 'Page size going forwards: 1 to 1024 (default 25).' }),
      after: t.arg.string({ description: 'Continue after this edge cursor (`pageInfo.endCursor` or an edge\'s `cursor`).' }),
      last: t.arg.int({ description: 'Page size going backwards from `before`: 1 to 1024.' }),
      before: t.arg.string({ description: 'Page back from this edge cursor (`pageInfo.startCursor` or an edge\'s `cursor`).' }),
    },
    resolve: async (_root, args, context) => {
      const phoneNumberId = assertPhoneNumberId(String(args.phoneNumberId));
      const request = pageRequest(args, 'groups');
      const page = await context.graph.groupList(phoneNumberId, request);
      return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: partialGroup(edge.node, Object.keys(edge.node)) })) };
    },
  }),
);
