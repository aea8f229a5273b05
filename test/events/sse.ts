import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';

/** A GraphQL-over-SSE subscription (Yoga's "distinct connections" mode) read with node:http, so a test can stop reading. */
export interface SseSubscription {
  response: IncomingMessage;
  /** Everything read so far. */
  text(): string;
  /** The `data:` payloads of `event: next` messages so far. */
  nexts(): { data?: any; errors?: any[] }[];
  completed(): boolean;
  ended: Promise<void>;
  close(): void;
}

export function subscribeSse(origin: string, query: string, token: string, variables: Record<string, unknown> = {}, operationName?: string): Promise<SseSubscription> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    req.once('error', reject);
    req.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<void>((done) => {
        response.once('end', done);
        response.once('close', done);
      });
      resolve({
        response,
        text: () => text,
        nexts: () =>
          text
            .split('\n\n')
            .filter((block) => block.startsWith('event: next'))
            .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { data?: any; errors?: any[] }),
        completed: () => text.includes('event: complete'),
        ended,
        close: () => req.destroy(),
      });
    });
    req.end(JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) }));
  });
}
