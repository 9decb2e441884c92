// authentication.k8s.io/v1 TokenRequest (serviceaccounts/<name>/token): defaults and static validation as upstream.
import { type FieldError, badRequest, invalid } from '../../apimachinery/errors.js';
import type { KObject } from '../types.js';

export const TOKEN_REQUEST_GK = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
/** Upstream's MinTokenAgeSec. */
export const MIN_TOKEN_SECONDS = 10 * 60;
/** Defaulted when the request has none (SetDefaults_TokenRequestSpec). */
export const DEFAULT_TOKEN_SECONDS = 60 * 60;

/** A decoded TokenRequest body with its defaults, refused as the decoder refuses a body of another kind. */
export function tokenRequestFromBody(body: KObject): KObject {
  if (body.kind !== undefined && body.kind !== '' && body.kind !== 'TokenRequest')
    throw badRequest(`the object provided is unrecognized (must be of type TokenRequest): ${body.kind} in version "${body.apiVersion ?? ''}" cannot be handled as a TokenRequest`);
  if (body.apiVersion !== undefined && body.apiVersion !== '' && body.apiVersion !== 'authentication.k8s.io/v1')
    throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (authentication.k8s.io/v1)`);
  const spec: KObject = { ...(body.spec ?? {}) };
  if (spec.expirationSeconds === undefined || spec.expirationSeconds === null) spec.expirationSeconds = DEFAULT_TOKEN_SECONDS;
  spec.expirationSeconds = Number(spec.expirationSeconds);
  return { ...body, metadata: { ...(body.metadata ?? {}) }, spec };
}

/** ValidateTokenRequest. */
export function validateTokenRequest(tr: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const exp = tr.spec?.expirationSeconds as number;
  if (exp < MIN_TOKEN_SECONDS) errs.push(invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 10 minutes'));
  if (exp > 2 ** 32) errs.push(invalid('spec.expirationSeconds', exp, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

/** schema.FromAPIVersionAndKind: group and version of an apiVersion ("v1", "apps/v1"), nothing for an unparsable one. */
export function groupVersionKind(apiVersion: string | undefined, kind: string | undefined): { group: string; version: string; kind: string } {
  const av = apiVersion ?? '';
  const k = kind ?? '';
  if (av === '') return { group: '', version: '', kind: k };
  const parts = av.split('/');
  if (parts.length === 1) return { group: '', version: av, kind: k };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]!, kind: k };
  return { group: '', version: '', kind: k };
}

/** GroupVersionKind.String() as Go prints it: "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap". */
export function gvkString(gvk: { group: string; version: string; kind: string }): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}
