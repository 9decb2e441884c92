// List options as upstream validates them, and the opaque continue token of paged lists.
import { StatusError, badRequest, invalidError, type FieldError } from '../apimachinery/errors.js';

export interface ContinueToken {
  v: string;
  /** The revision the first page was read at; -1 continues at the latest revision (after an expired token). */
  rv: number;
  /** The last key returned (relative to the list prefix) followed by \0. */
  start: string;
}

export function encodeContinue(rv: number, lastKey: string): string {
  const t: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: lastKey + '\u0000' };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  let t: ContinueToken;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
  } catch {
    t = {} as ContinueToken;
  }
  if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || (t.rv < 1 && t.rv !== -1))
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (!t.start.endsWith('\u0000')) throw badRequest('continue key is not valid: invalid start key');
  return t;
}

/** The 410 for a continue token whose revision is compacted, carrying a token that continues at the latest revision. */
export function expiredContinue(startAfterRelative: string): StatusError {
  const fresh: ContinueToken = { v: 'meta.k8s.io/v1', rv: -1, start: startAfterRelative + '\u0000' };
  return new StatusError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    undefined,
    undefined,
    { continue: Buffer.from(JSON.stringify(fresh)).toString('base64url') },
  );
}

export function parseRV(rv: string, what = 'resourceVersion'): number {
  if (!/^\d+$/.test(rv) || rv.length > 19) throw badRequest(`invalid ${what}: ${rv}`);
  return Number(rv);
}

function listOptionsInvalid(field: string, detail: string, badValue?: unknown): StatusError {
  const err: FieldError = badValue === undefined ? { type: 'FieldValueForbidden', field, detail } : { type: 'FieldValueInvalid', field, badValue, detail };
  return invalidError({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [err]);
}

/** The combinations of resourceVersion, resourceVersionMatch and continue that upstream refuses (422). */
export function validateListOptions(rv: string, rvMatch: string, cont: string | undefined): void {
  if (rvMatch && rvMatch !== 'Exact' && rvMatch !== 'NotOlderThan') throw listOptionsInvalid('resourceVersionMatch', 'supported values: "Exact", "NotOlderThan"', rvMatch);
  if (rvMatch && !rv) throw listOptionsInvalid('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
  if (rvMatch === 'Exact' && rv === '0') throw listOptionsInvalid('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  if (cont && rv && rv !== '0') throw listOptionsInvalid('resourceVersion', 'specifying resource version is not allowed when using continue');
  if (cont && rvMatch) throw listOptionsInvalid('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
}
