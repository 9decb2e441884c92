// The PodSecurity admission plugin (k8s.io/pod-security-admission as kube-apiserver runs it): namespace
// labels choose a level per mode; pods are enforced, audited and warned, workload templates only
// audited and warned, and labelling a namespace warns about the pods it already holds.
import { fieldErrorString, forbidden, invalidError, type FieldError } from '../../../apimachinery/errors.js';
import type { Registry } from '../../../registry/index.js';
import type { AdmissionAttributes, KObject, RequestContext } from '../../../registry/types.js';
import { ObjectCache } from '../policy/object-cache.js';
import { obj, type Json } from './check.js';
import { evaluatePod, forbiddenDetail, forbiddenReason } from './evaluate.js';
import { compareLevels, equivalentPolicies, LABEL_PREFIX, levelVersionString, policyFromLabels, policyMinor, sameLevelVersion, type LevelVersion, type Policy } from './policy-labels.js';
import { DEFAULT_POD_SECURITY_CONFIG, type PodSecurityConfig } from './pod-security-config.js';
import { hasPodTemplate, podTemplateOf } from './pod-template.js';
import { isSignificantPodUpdate } from './significant-update.js';

const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);
const MAX_PODS_TO_CHECK = 3000;
export const ENFORCE_POLICY_ANNOTATION = 'pod-security.kubernetes.io/enforce-policy';
export const AUDIT_VIOLATIONS_ANNOTATION = 'pod-security.kubernetes.io/audit-violations';
const ERROR_ANNOTATION = 'pod-security.kubernetes.io/error';
export const EXEMPT_ANNOTATION = 'pod-security.kubernetes.io/exempt';

export class PodSecurityAdmission {
  private readonly namespaces: ObjectCache;
  private index = new Map<string, KObject>();
  private indexVersion = -1;

  constructor(
    private readonly registry: Registry,
    private readonly config: PodSecurityConfig = DEFAULT_POD_SECURITY_CONFIG,
  ) {
    this.namespaces = new ObjectCache(() => registry.store('', 'v1', 'namespaces'));
  }

  async validate(a: AdmissionAttributes, o: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    if ((a.operation !== 'CREATE' && a.operation !== 'UPDATE') || !o) return;
    const { group, resource } = a.def;
    if (group === '' && resource === 'namespaces') return this.validateNamespace(a, o, old, ctx);
    if (group === '' && resource === 'pods') return this.validatePod(a, o, old, ctx);
    if (a.subresource || !hasPodTemplate(group, resource)) return;
    if (this.exempt(a, ctx)) return;
    const template = podTemplateOf(group, resource, o);
    if (!template) return;
    const { policy, errs } = this.policyOf(await this.labelsOf(a.namespace));
    if (!errs.length && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    this.evaluate(a, policy, errs, template.metadata, template.spec, ctx, false);
  }

  stop(): void {
    this.namespaces.stop();
  }

  private policyOf(labels: Record<string, string> | undefined): ReturnType<typeof policyFromLabels> {
    return policyFromLabels(labels, this.config.defaults);
  }

  /** An exempt namespace or user skips every check; the audit annotation says which. */
  private exempt(a: AdmissionAttributes, ctx: RequestContext): boolean {
    const { namespaces, usernames } = this.config.exemptions;
    const why = namespaces.includes(a.namespace) ? 'namespace' : usernames.includes(ctx.user.username) ? 'user' : undefined;
    if (why && ctx.auditAnnotations) ctx.auditAnnotations[EXEMPT_ANNOTATION] = why;
    return why !== undefined;
  }

  private exemptRuntimeClass(spec: Json): boolean {
    const rc = spec.runtimeClassName;
    return typeof rc === 'string' && this.config.exemptions.runtimeClasses.includes(rc);
  }

  private async validatePod(a: AdmissionAttributes, o: KObject, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    if (IGNORED_POD_SUBRESOURCES.has(a.subresource)) return;
    if (this.exempt(a, ctx)) return;
    const { policy, errs } = this.policyOf(await this.labelsOf(a.namespace));
    if (!errs.length && policy.enforce.level === 'privileged' && policy.audit.level === 'privileged' && policy.warn.level === 'privileged') {
      if (ctx.auditAnnotations) ctx.auditAnnotations[ENFORCE_POLICY_ANNOTATION] = levelVersionString(policy.enforce);
      return;
    }
    if (a.operation === 'UPDATE' && old && !isSignificantPodUpdate(o as unknown as Json, old as unknown as Json)) return;
    this.evaluate(a, policy, errs, obj(o.metadata), obj(o.spec), ctx, true, o.metadata?.name);
  }

  private evaluate(a: AdmissionAttributes, policy: Policy, errs: FieldError[], metadata: Json, spec: Json, ctx: RequestContext, enforce: boolean, name?: string): void {
    if (this.exemptRuntimeClass(spec)) {
      if (ctx.auditAnnotations) ctx.auditAnnotations[EXEMPT_ANNOTATION] = 'runtimeClass';
      return;
    }
    const results = new Map<string, ReturnType<typeof evaluatePod>>();
    const run = (lv: LevelVersion) => {
      const key = levelVersionString(lv);
      if (!results.has(key)) results.set(key, evaluatePod(lv.level, policyMinor(lv), metadata, spec));
      return results.get(key)!;
    };
    const audit = ctx.auditAnnotations;
    // field.ErrorList.ToAggregate(): one error as is, several in brackets
    if (errs.length && audit) audit[ERROR_ANNOTATION] = `Failed to parse policy: ${errs.length === 1 ? fieldErrorString(errs[0]) : `[${errs.map(fieldErrorString).join(', ')}]`}`;
    let denied: string | undefined;
    if (enforce) {
      if (audit) audit[ENFORCE_POLICY_ANNOTATION] = levelVersionString(policy.enforce);
      const vs = run(policy.enforce);
      if (vs.length) denied = `violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(vs)}`;
    }
    const auditVs = run(policy.audit);
    if (auditVs.length && audit) audit[AUDIT_VIOLATIONS_ANNOTATION] = `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(auditVs)}`;
    if (denied !== undefined) throw forbidden({ group: a.def.group, resource: a.def.resource }, a.name || name || '', denied);
    const warnVs = run(policy.warn);
    if (warnVs.length) ctx.warnings.push(`would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(warnVs)}`);
  }

  private async validateNamespace(a: AdmissionAttributes, o: KObject, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    if (a.subresource) return;
    const next = this.policyOf(o.metadata?.labels);
    const name = a.name || o.metadata?.name || '';
    const exempt = this.config.exemptions.namespaces.includes(name);
    if (a.operation === 'CREATE') {
      if (next.errs.length) throw invalidError({ group: '', kind: 'Namespace' }, name, next.errs);
      if (exempt) this.warnExemptNamespace(name, next.policy, o.metadata?.labels, ctx);
      return;
    }
    const prev = this.policyOf(old?.metadata?.labels);
    if (next.errs.length && (!prev.errs.length || JSON.stringify(next.errs) !== JSON.stringify(prev.errs))) throw invalidError({ group: '', kind: 'Namespace' }, name, next.errs);
    const enforce = next.policy.enforce;
    const before = prev.policy.enforce;
    if (sameLevelVersion(enforce, before) || enforce.level === 'privileged') return;
    if (enforce.version === before.version && compareLevels(enforce.level, before.level) < 1) return;
    if (exempt) return this.warnExemptNamespace(name, next.policy, o.metadata?.labels, ctx);
    ctx.warnings.push(...(await this.existingPodWarnings(name, enforce)));
  }

  /** Labelling an exempt namespace with a stricter policy than the defaults warns that it is ignored. */
  private warnExemptNamespace(name: string, policy: Policy, labels: Record<string, string> | undefined, ctx: RequestContext): void {
    const privileged = (['enforce', 'audit', 'warn'] as const).every((m) => policy[m].level === 'privileged');
    if (privileged || equivalentPolicies(policy, this.config.defaults)) return;
    const parts: string[] = [];
    for (const mode of ['enforce', 'audit', 'warn'] as const) {
      const labelled = labels?.[`${LABEL_PREFIX}${mode}`] !== undefined || labels?.[`${LABEL_PREFIX}${mode}-version`] !== undefined;
      if (policy[mode].level !== 'privileged' && labelled) parts.push(`${mode}=${levelVersionString(policy[mode])}`);
    }
    ctx.warnings.push(`namespace ${JSON.stringify(name)} is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`);
  }

  /** Upstream's EvaluatePodsInNamespace: one line per distinct violation, naming the first pod and how many others. */
  private async existingPodWarnings(namespace: string, enforce: LevelVersion): Promise<string[]> {
    const store = this.registry.store('', 'v1', 'pods');
    if (!store) return [];
    let pods: KObject[];
    try {
      pods = (await store.list(namespace, {})).items;
    } catch {
      return ['failed to list pods while checking new PodSecurity enforce level'];
    }
    const ordered = prioritize(pods.filter((p) => !this.exemptRuntimeClass(obj(p.spec))));
    const total = ordered.length;
    const checked = ordered.slice(0, MAX_PODS_TO_CHECK);
    const counts = new Map<string, { pod: string; n: number }>();
    for (const pod of checked) {
      const vs = evaluatePod(enforce.level, policyMinor(enforce), obj(pod.metadata), obj(pod.spec));
      if (!vs.length) continue;
      const w = forbiddenReason(vs);
      const c = counts.get(w);
      const podName = pod.metadata.name;
      if (!c) counts.set(w, { pod: podName, n: 1 });
      else {
        c.n++;
        if (podName < c.pod) c.pod = podName;
      }
    }
    const out: string[] = [];
    if (checked.length < total) out.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${total} existing pods`);
    if (counts.size) out.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
    const lines = [...counts].map(([w, c]) => (c.n === 1 ? `${c.pod}: ${w}` : c.n === 2 ? `${c.pod} (and 1 other pod): ${w}` : `${c.pod} (and ${c.n - 1} other pods): ${w}`));
    lines.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return [...out, ...lines];
  }

  /** The namespace's labels from the watch-fed cache, or from storage when the cache has not seen it yet. */
  private async labelsOf(namespace: string): Promise<Record<string, string> | undefined> {
    if (!namespace) return undefined;
    await this.namespaces.sync();
    if (this.indexVersion !== this.namespaces.version) {
      this.index = new Map(this.namespaces.list().map((n) => [n.metadata.name, n]));
      this.indexVersion = this.namespaces.version;
    }
    const cached = this.index.get(namespace);
    if (cached) return cached.metadata.labels;
    try {
      return (await this.registry.store('', 'v1', 'namespaces')!.get('', namespace)).metadata.labels;
    } catch {
      return undefined;
    }
  }
}

/** One pod per controller first, then the other replicas (upstream's prioritizePods). */
function prioritize(pods: KObject[]): KObject[] {
  const first: KObject[] = [];
  const rest: KObject[] = [];
  const seen = new Set<string>();
  for (const p of pods) {
    const ref = (p.metadata.ownerReferences ?? []).find((r: { controller?: boolean }) => r.controller);
    if (!ref) first.push(p);
    else if (seen.has(ref.uid)) rest.push(p);
    else {
      seen.add(ref.uid);
      first.push(p);
    }
  }
  return [...first, ...rest];
}
