import { printSubgraphSchema } from '@apollo/subgraph';
import { builder } from './builder.js';
import './group.js';
import './group-edges.js';
import './groups-query.js';
import './update-group.js';
import './delete-group.js';
import './create-group.js';
import './invite-link.js';
import './remove-participants.js';
import './join-requests.js';
import './send-group-message.js';
import './send-group-invite-link.js';
import './pin-group-message.js';
import './group-events.js';
import './group-message-events.js';

/** The executable subgraph schema: the API plus `_service` and `_entities` for a federation router. */
export const schema = builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.6' });

/** The SDL committed as schema.graphql: what `rover subgraph publish` and codegen read. */
export function printSchemaSdl(): string {
  return `${printSubgraphSchema(schema).trimEnd()}\n`;
}
