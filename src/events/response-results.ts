import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';

/** A GraphQL result as it came over HTTP (errors already serialised by Yoga: masked, coded). */
export type WireResult = FormattedExecutionResult;
export type WireError = GraphQLFormattedError;

/**
 * What a Yoga response to one operation carries, as results in order: one for a JSON answer, each
 * `next` event of a `text/event-stream` answer (Yoga writes one JSON document per `data:` line).
 * `signal` aborting cancels the body (a read in progress returns at once), which ends the
 * subscription behind it.
 */
export async function* resultsOf(response: Response, signal: AbortSignal): AsyncGenerator<WireResult> {
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    yield (await response.json()) as WireResult;
    return;
  }
  if (signal.aborted) return void (await response.body?.cancel());
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel, { once: true });
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: (\w+)$/m.exec(message)?.[1];
        if (event === 'complete') return;
        const data = /^data: (.*)$/m.exec(message)?.[1];
        // Keep-alive comments (`:`) carry neither.
        if (event === 'next' && data) yield JSON.parse(data) as WireResult;
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    await reader.cancel().catch(() => undefined);
  }
}
