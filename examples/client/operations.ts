import { graphql } from './gql/index.js';

/**
 * The operations this example frontend ships. `npm run codegen` writes their types to ./gql and
 * their texts, by hash, to ./gql/persisted-documents.json: the file a production gateway is started
 * with (PERSISTED_DOCUMENTS), so it runs these and nothing else.
 */
export const GroupSummary = graphql(`
  query GroupSummary($id: ID!) {
    group(id: $id) {
      id
      subject
      totalParticipantCount
    }
  }
`);

export const GroupMembers = graphql(`
  query GroupMembers($id: ID!) {
    group(id: $id) {
      id
      participants {
        waId
        username
      }
    }
  }
`);

export const RenameGroup = graphql(`
  mutation RenameGroup($id: ID!, $subject: String!) {
    updateGroup(input: { id: $id, subject: $subject }) {
      success
      updatedFields
    }
  }
`);
