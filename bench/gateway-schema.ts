/**
 * Finds out by introspection whether the running gateway has the mutations scenarios (d) and (e)
 * need, and what to select from their result, so a missing feature is reported as skipped
 * rather than measured as a stream of errors.
 */
import type { MutationSupport } from './scenarios.js';

interface TypeRef {
  name: string | null;
  kind: string;
  ofType: TypeRef | null;
}

interface IntrospectedField {
  name: string;
  type: TypeRef;
  args?: { name: string; type: TypeRef }[];
}

const TYPE_REF = 'name kind ofType { name kind ofType { name kind ofType { name kind } } }';

export async function detectMutations(gatewayUrl: string, token: string): Promise<MutationSupport> {
  const ask = (query: string) => introspect(gatewayUrl, token, query);
  const root = (await ask(`{ __schema { mutationType { fields { name type { ${TYPE_REF} } args { name type { ${TYPE_REF} } } } } } }`)) as {
    __schema: { mutationType: { fields: IntrospectedField[] } | null };
  };
  const updateGroup = root.__schema.mutationType?.fields.find((field) => field.name === 'updateGroup');
  if (!updateGroup) {
    const skipped = 'skipped: the gateway schema has no Mutation.updateGroup (branch `mutations` not merged yet)';
    return { updateGroup: { skipped }, upload: { skipped } };
  }
  const inputType = namedType(updateGroup.args?.find((arg) => arg.name === 'input')?.type);
  const inputFields = inputType ? await fieldNames(ask, inputType, 'inputFields') : [];
  if (!inputFields.includes('id') || !inputFields.includes('subject')) {
    const skipped = `skipped: updateGroup's input (${inputType ?? 'none'}) has no id/subject fields`;
    return { updateGroup: { skipped }, upload: { skipped } };
  }
  const selection = await resultSelection(ask, namedType(updateGroup.type));
  const upload = inputFields.includes('profilePicture')
    ? undefined
    : { skipped: `skipped: ${inputType} has no profilePicture field (uploads not implemented yet)` };
  return { updateGroup: { selection }, upload };
}

/**
 * What a client that only wants to know the outcome selects: a payload's `success` (and
 * `updatedFields`), so the mutation costs its write and no read-back; else `id subject` of a
 * returned group, else the group inside the payload.
 */
async function resultSelection(ask: (query: string) => Promise<unknown>, typeName: string | undefined): Promise<string> {
  if (!typeName) return '__typename';
  const fields = (await typeFields(ask, typeName)) ?? [];
  const names = fields.map((field) => field.name);
  if (names.includes('success')) return names.includes('updatedFields') ? 'success updatedFields' : 'success';
  if (names.includes('id') && names.includes('subject')) return 'id subject';
  const groupField = fields.find((field) => namedType(field.type) === 'Group');
  if (groupField) return `${groupField.name} { id subject }`;
  return '__typename';
}

async function fieldNames(ask: (query: string) => Promise<unknown>, typeName: string, kind: 'inputFields'): Promise<string[]> {
  const answer = (await ask(`{ __type(name: ${JSON.stringify(typeName)}) { ${kind} { name } } }`)) as {
    __type: Record<string, { name: string }[] | null> | null;
  };
  return answer.__type?.[kind]?.map((field) => field.name) ?? [];
}

async function typeFields(ask: (query: string) => Promise<unknown>, typeName: string): Promise<IntrospectedField[] | null> {
  const answer = (await ask(`{ __type(name: ${JSON.stringify(typeName)}) { fields { name type { ${TYPE_REF} } } } }`)) as {
    __type: { fields: IntrospectedField[] | null } | null;
  };
  return answer.__type?.fields ?? null;
}

function namedType(type: TypeRef | null | undefined): string | undefined {
  let current = type;
  while (current && !current.name) current = current.ofType;
  return current?.name ?? undefined;
}

async function introspect(gatewayUrl: string, token: string, query: string): Promise<unknown> {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const result = (await response.json()) as { data?: unknown; errors?: unknown };
  if (!result.data) throw new Error(`introspection failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}
