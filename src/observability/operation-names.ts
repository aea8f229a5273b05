/** A GraphQL name (spec: `/[_A-Za-z][_0-9A-Za-z]*`), kept short enough for a label. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Operation names as metric labels, with a bound on how many distinct values they take: callers
 * choose operation names, and every new label value is a new time series in Prometheus.
 * The names of the trusted documents (when configured) are always kept. Beyond them, a name takes
 * one of `max` slots only when `admit` says its caller is known (its token worked upstream), so
 * callers without a working token (none, or a made-up one) cannot fill the slots with junk and push
 * real names into `other`; a name already holding a slot keeps it, whoever sends it. Anonymous
 * operations are `anonymous`; a name that is not a GraphQL name (it came from a request that failed
 * to parse) is `other`.
 */
export class OperationNames {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly known: ReadonlySet<string> = new Set(),
  ) {}

  label(name: string | null | undefined, admit: boolean): string {
    if (!name) return 'anonymous';
    if (this.known.has(name) || this.seen.has(name)) return name;
    if (!admit || !GRAPHQL_NAME.test(name) || name === 'anonymous' || name === 'other' || this.seen.size >= this.max) return 'other';
    this.seen.add(name);
    return name;
  }
}
