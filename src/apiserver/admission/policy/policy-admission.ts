// The ValidatingAdmissionPolicy plugin (upstream's validating policy dispatcher): for every policy whose
// matchConstraints take the request, every binding of it that matches, and every param the binding selects,
// the policy's validations run; Deny fails the request, Warn adds a warning, Audit an audit annotation.
import { convertBetween, equivalentDefs } from '../equivalents.js';
import type { CelAuthorizer } from '../../../cel/lib-authz.js';
import { loadCel, cel } from '../../../cel/lazy.js';
import type { Registry } from '../../../registry/index.js';
import type { AdmissionAttributes, KObject, RequestContext, ResourceDef } from '../../../registry/types.js';
import { compilePolicy, type CompiledPolicy } from './compile-policy.js';
import { matchResources, type MatchContext } from './match-resources.js';
import { ObjectCache } from './object-cache.js';
import { collectParams } from './collect-params.js';
import { admissionRequest, namespaceObject, type MatchedResource } from './policy-env.js';
import { validatePolicy, type PolicyDecision } from './validate-policy.js';
import { denied, type Denial } from './denied.js';

const RG = 'admissionregistration.k8s.io';
// kube-apiserver's exclusions: the policies themselves (webhook configurations are not exempt) and the
// non-persisted reviews, whose interception may break the cluster
const EXCLUDED = new Set([
  `${RG}/validatingadmissionpolicies`, `${RG}/validatingadmissionpolicybindings`, `${RG}/mutatingadmissionpolicies`, `${RG}/mutatingadmissionpolicybindings`,
  'authentication.k8s.io/selfsubjectreviews', 'authentication.k8s.io/tokenreviews', 'authorization.k8s.io/localsubjectaccessreviews',
  'authorization.k8s.io/selfsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews', 'authorization.k8s.io/subjectaccessreviews',
]);
const MAX_AUDIT_ANNOTATION_VALUE = 10 * 1024;


/** Without an authorizer, `authorizer` checks allow system:masters and have no opinion on anyone else. */
const MASTERS_ONLY: CelAuthorizer = {
  authorize: (a) => (a.user.groups.includes('system:masters') ? { decision: 'allow', reason: '' } : { decision: 'no-opinion', reason: '' }),
};

export class PolicyAdmission {
  private readonly policies: ObjectCache;
  private readonly bindings: ObjectCache;
  private readonly compiled = new Map<string, { generation: unknown; policy: CompiledPolicy }>();
  private index?: { policies: number; bindings: number; hooks: { policy: CompiledPolicy; bindings: KObject[] }[] };

  constructor(private readonly registry: Registry, private readonly authorizer: CelAuthorizer = MASTERS_ONLY) {
    this.policies = new ObjectCache(() => registry.store(RG, 'v1', 'validatingadmissionpolicies'));
    this.bindings = new ObjectCache(() => registry.store(RG, 'v1', 'validatingadmissionpolicybindings'));
  }

  /** Policies with their bindings, rebuilt only when either informer saw a change; each policy compiled once per generation. */
  private async hooks(): Promise<{ policy: CompiledPolicy; bindings: KObject[] }[]> {
    // every write asks: while both informers run and nothing changed, the answer is the last one
    if (!this.policies.synced || !this.bindings.synced) await Promise.all([this.policies.sync(), this.bindings.sync()]);
    const pv = this.policies.version;
    const bv = this.bindings.version;
    if (this.index?.policies === pv && this.index.bindings === bv) return this.index.hooks;
    const [policies, bindings] = [this.policies.list(), this.bindings.list()];
    const byPolicy = new Map<string, KObject[]>();
    for (const b of bindings.sort(byName)) {
      const name = b.spec?.policyName;
      if (name) byPolicy.set(name, [...(byPolicy.get(name) ?? []), b]);
    }
    const hooks = [];
    const live = new Set<string>();
    for (const p of policies.sort(byName)) {
      const bs = byPolicy.get(p.metadata.name);
      const uid = p.metadata.uid;
      live.add(uid);
      if (!bs) continue;
      let c = this.compiled.get(uid);
      if (!c || c.generation !== p.metadata.generation) await loadCel();
      if (!c || c.generation !== p.metadata.generation) this.compiled.set(uid, (c = { generation: p.metadata.generation, policy: compilePolicy(p) }));
      hooks.push({ policy: c.policy, bindings: bs });
    }
    for (const uid of this.compiled.keys()) if (!live.has(uid)) this.compiled.delete(uid);
    this.index = { policies: pv, bindings: bv, hooks };
    return hooks;
  }

  async validate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    if (EXCLUDED.has(`${a.def.group}/${a.def.resource}`)) return;
    const hooks = await this.hooks();
    if (hooks.length === 0) return;
    const mctx = this.matchContext(a, obj, old);
    const denials: Denial[] = [];
    let namespace: KObject | null | undefined;
    for (const { policy: p, bindings } of hooks) {
      const matched = await matchResources(p.policy.spec?.matchConstraints, a, obj, old, mctx);
      if (!matched) continue;
      const configError = (message: string, binding?: string) => {
        if (p.failurePolicy === 'Fail') denials.push({ policy: p.name, binding, message: `${binding ? 'failed to configure binding' : 'failed to configure policy'}: ${message}` });
      };
      const paramDef = p.hasParams ? this.paramDef(p.policy.spec.paramKind) : undefined;
      if (p.hasParams && !paramDef) {
        configError(`failed to find resource referenced by paramKind: '${gvkString(p.policy.spec.paramKind)}'`);
        continue;
      }
      const request = admissionRequest(a, matched, ctx);
      // matched as an equivalent version: the policy sees the objects in that version (converted once a binding matches)
      let versioned: (KObject | undefined)[] | undefined = matched.version === a.def.version ? [obj, old] : undefined;
      const annotations = new Map<string, string[]>();
      for (const b of bindings) {
        if (!(await matchResources(b.spec?.matchResources, a, obj, old, mctx))) continue;
        try {
          versioned ??= await Promise.all([obj, old].map((o) => this.convert(o, a.def, matched)));
        } catch (e) {
          // as upstream: an object that cannot be converted (conversion webhook) is the policy's configuration error
          configError((e as Error).message);
          continue;
        }
        const [vobj, vold] = versioned;
        const params = await collectParams(this.registry, paramDef, b.spec?.paramRef, a.namespace);
        if ('error' in params) {
          configError(params.error, b.metadata.name);
          continue;
        }
        if (namespace === undefined) namespace = await this.namespaceFor(a);
        for (const param of params.params) {
          const result = validatePolicy(p, this.bindingsFor(a, ctx, vobj, vold, request, param, namespace));
          for (const d of result.decisions) this.act(d, p, b, ctx, denials);
          for (const an of result.auditAnnotations) {
            if (an.error !== undefined) denials.push({ policy: p.name, binding: b.metadata.name, message: an.error });
            else if (an.value !== undefined) {
              const values = annotations.get(an.key) ?? [];
              const v = an.value.slice(0, MAX_AUDIT_ANNOTATION_VALUE);
              if (!values.includes(v)) annotations.set(an.key, [...values, v]);
            }
          }
        }
      }
      for (const [key, values] of annotations) addAuditAnnotation(ctx, `${p.name}/${key}`, values.join(', '));
    }
    if (denials.length) throw denied(a, obj, denials[0]);
  }

  private act(d: PolicyDecision, p: CompiledPolicy, b: KObject, ctx: RequestContext, denials: Denial[]): void {
    if (d.action !== 'deny') return;
    for (const action of (b.spec?.validationActions ?? []) as string[]) {
      if (action === 'Deny') denials.push({ policy: p.name, binding: b.metadata.name, message: d.message, reason: d.reason });
      else if (action === 'Warn') ctx.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${p.name}' with binding '${b.metadata.name}': ${d.message}`);
      else if (action === 'Audit') {
        const value = [{ message: d.message, policy: b.spec.policyName, binding: b.metadata.name, expressionIndex: d.index, validationActions: b.spec.validationActions }];
        addAuditAnnotation(ctx, 'validation.policy.admission.k8s.io/validation_failure', JSON.stringify(value));
      }
    }
  }

  private bindingsFor(a: AdmissionAttributes, ctx: RequestContext, obj: KObject | undefined, old: KObject | undefined, request: KObject, param: KObject | null, namespace: KObject | null): Record<string, unknown> {
    const user = { username: ctx.user.username, uid: ctx.user.uid, groups: ctx.user.groups ?? [], extra: ctx.user.extra };
    const { AuthorizerValue, celValue, requestResourceCheck } = cel();
    const authz = new AuthorizerValue(user, this.authorizer);
    return {
      object: obj ?? null,
      oldObject: old ?? null,
      request,
      params: param,
      namespaceObject: namespace,
      authorizer: celValue(authz),
      'authorizer.requestResource': () => celValue(requestResourceCheck(authz, { group: a.def.group, resource: a.def.resource, subresource: a.subresource, namespace: a.namespace, name: a.name })),
    };
  }

  /** An object of one served version in another, through the storage form (as upstream's VersionedAttributes). */
  private async convert(o: KObject | undefined, from: ResourceDef, to: MatchedResource): Promise<KObject | undefined> {
    const target = this.registry.store(to.group, to.version, to.resource)?.def;
    return target ? convertBetween(o, from, target) : o;
  }

  private paramDef(kind: KObject): ResourceDef | undefined {
    const [group, version] = String(kind.apiVersion ?? '').includes('/') ? String(kind.apiVersion).split('/', 2) : ['', String(kind.apiVersion ?? '')];
    return this.registry.defs.find((d) => d.group === group && d.version === version && d.kind === kind.kind && !d.createOnly);
  }

  /** The request's namespace (none for cluster-scoped requests and for namespaces themselves). */
  private async namespaceFor(a: AdmissionAttributes): Promise<KObject | null> {
    if (!a.namespace || (a.def.group === '' && a.def.resource === 'namespaces')) return null;
    try {
      return namespaceObject(await this.registry.store('', 'v1', 'namespaces')!.get('', a.namespace));
    } catch {
      return null;
    }
  }

  private matchContext(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined): MatchContext {
    let labels: Promise<Record<string, string> | undefined> | undefined;
    return {
      namespaceLabels: () =>
        (labels ??= (async () => {
          if (a.def.group === '' && a.def.resource === 'namespaces') return (obj ?? old)?.metadata?.labels ?? {};
          if (!a.namespace) return undefined;
          try {
            return (await this.registry.store('', 'v1', 'namespaces')!.get('', a.namespace)).metadata?.labels ?? {};
          } catch {
            return {};
          }
        })()),
      equivalents: (def) => equivalentDefs(this.registry, def),
    };
  }

  stop(): void {
    this.policies.stop();
    this.bindings.stop();
  }
}

function byName(x: KObject, y: KObject): number {
  return x.metadata.name < y.metadata.name ? -1 : x.metadata.name > y.metadata.name ? 1 : 0;
}

/** schema.GroupVersionKind.String() */
function gvkString(kind: KObject): string {
  const av = String(kind.apiVersion ?? '');
  return `${av.includes('/') ? av : `/${av}`}, Kind=${kind.kind ?? ''}`;
}

function addAuditAnnotation(ctx: RequestContext, key: string, value: string): void {
  // as upstream's AddAnnotation: the first value of a key stays
  if (ctx.auditAnnotations && !(key in ctx.auditAnnotations)) ctx.auditAnnotations[key] = value;
}
