import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

/**
 * A second subgraph, written for the federation tests: campaigns that point at WhatsApp groups by
 * reference only (`Group @key(fields: "id", resolvable: false)`), as another team's service would.
 */
export const campaignsTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Campaign @key(fields: "id") {
    id: ID!
    name: String!
    group: Group
  }

  type Group @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    campaigns: [Campaign!]!
  }
`);

export interface Campaign {
  id: string;
  name: string;
  groupId: string;
}

export interface CampaignsSubgraph {
  url: string;
  /** The campaigns the subgraph serves; tests replace them freely. */
  campaigns: Campaign[];
  close(): Promise<void>;
}

export async function startCampaignsSubgraph(): Promise<CampaignsSubgraph> {
  const state: { campaigns: Campaign[] } = { campaigns: [] };
  const schema = buildSubgraphSchema({
    typeDefs: campaignsTypeDefs,
    resolvers: {
      Query: { campaigns: () => state.campaigns },
      Campaign: { group: (campaign: Campaign) => ({ __typename: 'Group', id: campaign.groupId }) },
    },
  });
  const yoga = createYoga({ schema, logging: false });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    get campaigns() {
      return state.campaigns;
    },
    set campaigns(value) {
      state.campaigns = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
