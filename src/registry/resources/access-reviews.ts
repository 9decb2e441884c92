// authentication.k8s.io/v1 tokenreviews and authorization.k8s.io/v1 (local)subjectaccessreviews: create-only,
// validated as upstream; token reviews ask the server's token authenticators, access reviews the API server's
// authorizer for the user the spec names.
import { type FieldError, badRequest, invalid, invalidError, required } from '../../apimachinery/errors.js';
import { defineResource } from '../define.js';
import type { KObject, ResourceDef, StrategyContext } from '../types.js';
import { attributesFrom, reviewStatus } from './review-answers.js';

export const tokenreviews = defineResource({
  group: 'authentication.k8s.io',
  resource: 'tokenreviews',
  kind: 'TokenReview',
  namespaced: false,
  createOnly: async (obj, ctx) => {
    if (!obj.spec?.token) throw badRequest('token is required for TokenReview in authentication');
    const auds: string[] = Array.isArray(obj.spec.audiences) ? obj.spec.audiences : [];
    const status = (await ctx.services.serviceAccountTokens?.review(obj.spec.token, auds)) ?? { user: {} };
    return { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { ...(obj.metadata ?? {}), creationTimestamp: null }, spec: obj.spec, status };
  },
});

export function validateSARSpec(spec: KObject, requireSubject: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (!ra && !nra) errs.push(required('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (ra && nra) errs.push(invalid('spec.nonResourceAttributes', nra, 'cannot be specified in combination with resourceAttributes'));
  if (requireSubject && !spec.user && !(spec.groups ?? []).length) errs.push(invalid('spec.user', spec.user ?? '', '`spec.user` or `spec.groups` must be specified'));
  return errs;
}

/** AuthorizationAttributesFrom: the spec's user exactly as given (no system:authenticated added). */
async function sarAnswer(obj: KObject, kind: string, ctx: StrategyContext, ns?: string): Promise<KObject> {
  const spec = obj.spec ?? {};
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(spec.extra ?? {})) extra[k] = v as string[];
  const user = { username: spec.user ?? '', uid: spec.uid || undefined, groups: spec.groups ?? [], extra };
  const status = await reviewStatus(ctx, attributesFrom(user, spec));
  const out: KObject = { kind, apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  if (ns) out.metadata.namespace = ns;
  return out;
}

export const subjectaccessreviews = defineResource({
  group: 'authorization.k8s.io',
  resource: 'subjectaccessreviews',
  kind: 'SubjectAccessReview',
  namespaced: false,
  createOnly: (obj, ctx) => {
    const errs = validateSARSpec(obj.spec ?? {}, true);
    if (errs.length) throw invalidError({ group: 'authorization.k8s.io', kind: 'SubjectAccessReview' }, obj.metadata?.name ?? '', errs);
    return sarAnswer(obj, 'SubjectAccessReview', ctx);
  },
});

export const localsubjectaccessreviews = defineResource({
  group: 'authorization.k8s.io',
  resource: 'localsubjectaccessreviews',
  kind: 'LocalSubjectAccessReview',
  createOnly: (obj, ctx) => {
    const spec = obj.spec ?? {};
    const errs = validateSARSpec(spec, true);
    if (spec.nonResourceAttributes) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
    if (errs.length) throw invalidError({ group: 'authorization.k8s.io', kind: 'LocalSubjectAccessReview' }, obj.metadata?.name ?? '', errs);
    if (obj.metadata?.namespace && obj.metadata.namespace !== ctx.namespace)
      throw badRequest(`namespace of the provided object (${obj.metadata.namespace}) does not match the namespace sent on the request (${ctx.namespace})`);
    if (spec.resourceAttributes?.namespace !== ctx.namespace)
      throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ctx.namespace}`);
    return sarAnswer(obj, 'LocalSubjectAccessReview', ctx, ctx.namespace);
  },
});

export const accessReviewResources: ResourceDef[] = [tokenreviews, subjectaccessreviews, localsubjectaccessreviews];
