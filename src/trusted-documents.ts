import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { z } from 'zod';
import { ConfigError } from './config.js';

/** The documents production accepts, by id (GraphQL Code Generator's `persisted-documents.json`). */
export interface TrustedDocuments {
  /** The document for an id, or undefined. Only own keys: `__proto__` or `constructor` find nothing. */
  get(id: string): string | undefined;
  /** Every operation name the documents define (kept as metric labels). */
  readonly operationNames: ReadonlySet<string>;
  readonly size: number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

const Manifest = z.record(z.string().min(1).max(200), z.string().min(1));

/**
 * Reads the file once at start-up: a JSON object of id (hash) → document text, the format the
 * client preset writes with `persistedDocuments: true`. Every document is parsed here, so a broken
 * file stops the start instead of failing requests later.
 */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PERSISTED_DOCUMENTS: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) throw new ConfigError(`PERSISTED_DOCUMENTS: ${path} must map ids to document strings`);
  const documents = new Map(Object.entries(parsed.data));
  const operationNames = new Set<string>();
  for (const [id, text] of documents) {
    try {
      for (const definition of parse(text).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) operationNames.add(definition.name.value);
      }
    } catch (error) {
      throw new ConfigError(`PERSISTED_DOCUMENTS: document ${id} in ${path} is not valid GraphQL (${(error as Error).message})`);
    }
  }
  return {
    // The client preset writes `sha256:<hex>`; Apollo clients send the bare hex as sha256Hash.
    get: (id) => documents.get(id) ?? (SHA256_HEX.test(id) ? documents.get(`sha256:${id}`) : undefined),
    operationNames,
    size: documents.size,
  };
}
