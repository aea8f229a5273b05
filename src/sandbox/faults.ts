/**
 * Fault injection: make the emulated Meta slow, silent, broken or throttled on chosen
 * Graph requests, so the gateway's retry, timeout and error paths can be exercised.
 * Faults never touch the admin routes. Each applies `times` times (default 1) to the
 * requests it `match`es, in injection order; random faults hit a fraction of the rest.
 */
import { z } from 'zod';
import { REQUEST_KINDS, type RequestKind } from './routes.js';
import { cryptoRandom, pick, seededRandom, type Random } from './random.js';

/** The throttling codes of Meta's WhatsApp and Graph error tables. */
export const THROTTLE_CODES = [4, 80007, 80008, 130429, 131056, 131208] as const;

const common = {
  times: z.number().int().positive().optional(),
  match: z
    .object({ method: z.string().optional(), kind: z.enum(REQUEST_KINDS).optional() })
    .optional(),
};

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latency'), ms: z.number().min(0).finite(), ...common }),
  z.object({ kind: z.literal('hang'), ...common }),
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(500).max(599),
    graphCode: z.number().int().optional(),
    transient: z.boolean().optional(),
    ...common,
  }),
  z.object({ kind: z.literal('reset'), ...common }),
  z.object({
    kind: z.literal('throttle'),
    code: z.literal(THROTTLE_CODES),
    regainMinutes: z.number().min(0).finite().optional(),
    ...common,
  }),
  // Any Graph error envelope: a code the other kinds do not produce (src/sandbox/graph-errors.ts), or none at all.
  z.object({
    kind: z.literal('graph-error'),
    status: z.number().int().min(400).max(599),
    code: z.number().int().min(0).optional(),
    subcode: z.number().int().optional(),
    message: z.string().max(2_000).optional(),
    /** Append the token and appsecret_proof the request carried to the message. */
    echoCredentials: z.boolean().optional(),
    ...common,
  }),
  z.object({ kind: z.literal('malformed-json'), ...common }),
  z.object({ kind: z.literal('wrong-content-type'), ...common }),
  z.object({ kind: z.literal('empty-204'), ...common }),
]);

export type Fault = z.infer<typeof faultSchema>;
export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = faultSchema.options.map((o) => o.shape.kind.value);

export const randomFaultsSchema = z
  .object({
    rate: z.number().min(0).max(1),
    kinds: z.array(z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]])).min(1),
    seed: z.number().int().optional(),
  })
  .nullable();
export type RandomFaults = NonNullable<z.infer<typeof randomFaultsSchema>>;

/** What a random fault of each kind looks like. */
const RANDOM_FAULTS: Record<FaultKind, Fault> = {
  latency: { kind: 'latency', ms: 250 },
  hang: { kind: 'hang' },
  status: { kind: 'status', status: 503 },
  reset: { kind: 'reset' },
  throttle: { kind: 'throttle', code: 4, regainMinutes: 1 },
  'graph-error': { kind: 'graph-error', status: 400, code: 100 },
  'malformed-json': { kind: 'malformed-json' },
  'wrong-content-type': { kind: 'wrong-content-type' },
  'empty-204': { kind: 'empty-204' },
};

export interface FaultTarget {
  method: string;
  kind: RequestKind;
}

interface Armed {
  fault: Fault;
  remaining: number;
}

export class FaultInjector {
  #armed: Armed[] = [];
  #random: { rate: number; kinds: FaultKind[]; next: Random } | null = null;

  /** Throws a TypeError naming the problem when the fault is not valid. */
  inject(fault: Fault): void {
    const parsed = faultSchema.safeParse(fault);
    if (!parsed.success) throw new TypeError(`Invalid fault: ${z.prettifyError(parsed.error)}`);
    this.#armed.push({ fault: parsed.data, remaining: parsed.data.times ?? 1 });
  }

  clear(): void {
    this.#armed = [];
    this.#random = null;
  }

  setRandom(options: RandomFaults | null): void {
    const parsed = randomFaultsSchema.safeParse(options);
    if (!parsed.success) throw new TypeError(`Invalid random faults: ${z.prettifyError(parsed.error)}`);
    const value = parsed.data;
    this.#random = value && {
      rate: value.rate,
      kinds: value.kinds,
      next: value.seed === undefined ? cryptoRandom : seededRandom(value.seed),
    };
  }

  /** The fault to apply to this request, if any; consumes one of its `times`. */
  take(target: FaultTarget): Fault | undefined {
    const armed = this.#armed.find((a) => matches(a.fault, target));
    if (armed) {
      armed.remaining -= 1;
      if (armed.remaining <= 0) this.#armed.splice(this.#armed.indexOf(armed), 1);
      return armed.fault;
    }
    const random = this.#random;
    if (random && random.next() < random.rate) return RANDOM_FAULTS[pick(random.next, random.kinds)];
    return undefined;
  }

  get pending(): number {
    return this.#armed.length;
  }

  get randomRate(): number {
    return this.#random?.rate ?? 0;
  }
}

function matches(fault: Fault, target: FaultTarget): boolean {
  const { match } = fault;
  if (!match) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== target.method) return false;
  return match.kind === undefined || match.kind === target.kind;
}
