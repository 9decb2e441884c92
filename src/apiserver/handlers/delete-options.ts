// DeleteOptions of a DELETE: the body when there is one (the query is then ignored, as upstream), else the query.
import type { Context } from 'hono';
import { badRequest, invalid, invalidError, notSupported, type FieldError } from '../../apimachinery/errors.js';
import type { DeleteOptions } from '../../registry/store.js';
import type { Env } from '../env.js';
import { decodeDeleteOptions } from '../negotiation.js';
import { goQuote } from './request.js';

const POLICIES = ['Foreground', 'Background', 'Orphan'];
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64) with Go's error words. */
function parseInt64(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw badRequest(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw badRequest(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  return Number(n);
}

/** url.Values → DeleteOptions as upstream's generated conversion reads them (first value of each key). */
function fromQuery(c: Context<Env>): DeleteOptions {
  const opts: DeleteOptions = {};
  const first = (k: string): string | undefined => c.req.queries(k)?.[0];
  const gp = first('gracePeriodSeconds');
  if (gp !== undefined) opts.gracePeriodSeconds = parseInt64(gp);
  const orphan = first('orphanDependents');
  if (orphan !== undefined) opts.orphanDependents = !(orphan === '0' || orphan.toLowerCase() === 'false');
  const pp = first('propagationPolicy');
  if (pp !== undefined) opts.propagationPolicy = pp;
  const dryRun = c.req.queries('dryRun');
  if (dryRun?.length) opts.dryRun = dryRun;
  return opts;
}

/** ValidateDeleteOptions: 422 Invalid for DeleteOptions.meta.k8s.io. */
function validate(opts: DeleteOptions): void {
  const errs: FieldError[] = [];
  const pp = opts.propagationPolicy;
  if (opts.orphanDependents !== undefined && pp !== undefined)
    errs.push(invalid('propagationPolicy', pp, 'orphanDependents and deletionPropagation cannot be both set'));
  if (pp !== undefined && !POLICIES.includes(pp)) errs.push(notSupported('propagationPolicy', pp, [...POLICIES, 'nil']));
  const dryRun = opts.dryRun ?? [];
  if (dryRun.some((v) => v !== 'All'))
    errs.push({ type: 'FieldValueNotSupported', field: 'dryRun', omitValue: true, detail: `[]string{${dryRun.map(goQuote).join(', ')}}: supported values: "All"` });
  if (errs.length) throw invalidError({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', errs);
}

export function deleteOptionsFrom(c: Context<Env>, body: Buffer): DeleteOptions {
  const opts = body.length > 0 ? (decodeDeleteOptions(c.req.header('content-type'), body) as DeleteOptions) : fromQuery(c);
  validate(opts);
  return opts;
}

/** Whether the options ask for a dry run (their values are validated already). */
export function isDryRun(opts: DeleteOptions): boolean {
  return (opts.dryRun?.length ?? 0) > 0;
}
