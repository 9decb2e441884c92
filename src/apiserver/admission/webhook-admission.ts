// Dynamic admission webhooks as kube-apiserver's MutatingAdmissionWebhook and ValidatingAdmissionWebhook
// plugins: which webhooks a write matches, the AdmissionReview they get, and what their answers do.
import { randomUUID } from 'node:crypto';
import type { Operation } from 'fast-json-patch';
import { badRequest, internalError, StatusError } from '../../apimachinery/errors.js';
import type { Registry } from '../../registry/index.js';
import type { Admission, AdmissionAttributes, KObject, RequestContext, ResourceDef } from '../../registry/types.js';
import { convertBetween, equivalentDefs } from './equivalents.js';
import { callWebhook, WebhookCallError } from './webhook-call.js';
import type { Program } from '../../cel/compile.js';
import { cel, loadCel } from '../../cel/lazy.js';
import { BOOL, DYN } from '../../cel/types.js';
import { rulesMatchAs, webhookMatches, type Webhook } from './webhook-match.js';
import { goJSONOrdered, goJSONUnstructured } from '../../apimachinery/go-json-encode.js';

const ADMISSION_RG = 'admissionregistration.k8s.io';
// upstream never sends the objects that configure admission to webhooks
const EXEMPT = new Set(['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

interface Configured {
  mutating: Webhook[];
  validating: Webhook[];
}

/** A webhook that takes the request, as the resource it matched (the request's own, or an equivalent one). */
interface Match {
  h: Webhook;
  as: ResourceDef;
  /** Its position among the configured webhooks of its kind (the audit annotations' index). */
  index: number;
}

/** As upstream's AddAnnotation: the first value of a key stays. */
function annotate(ctx: RequestContext, key: string, value: string): void {
  if (ctx.auditAnnotations && !(key in ctx.auditAnnotations)) ctx.auditAnnotations[key] = value;
}

/** The mutating webhook's audit annotations (upstream's webhookAnnotator). */
function mutationAnnotation(ctx: RequestContext, m: Match, round: number, mutated: boolean): void {
  annotate(ctx, `mutation.webhook.admission.k8s.io/round_${round}_index_${m.index}`, `{"configuration":${goJSONOrdered(m.h.configurationName)},"webhook":${goJSONOrdered(m.h.name)},"mutated":${mutated}}`);
}

/** The request's objects as one equivalent resource serves them, converted once per resource. */
class Versioned {
  private readonly cache = new Map<ResourceDef, Promise<[KObject | undefined, KObject | undefined]>>();

  constructor(
    private readonly a: AdmissionAttributes,
    private obj: KObject | undefined,
    private readonly old: KObject | undefined,
  ) {}

  objects(as: ResourceDef): Promise<[KObject | undefined, KObject | undefined]> {
    if (as === this.a.def) return Promise.resolve([this.obj, this.old]);
    let p = this.cache.get(as);
    if (!p) this.cache.set(as, (p = Promise.all([convertBetween(this.obj, this.a.def, as), convertBetween(this.old, this.a.def, as)])));
    return p;
  }

  /** The request's object changed (a mutating webhook's patch): every converted copy is stale. */
  changed(obj: KObject | undefined): void {
    this.obj = obj;
    this.cache.clear();
  }
}

export class WebhookAdmission implements Admission {
  private configured?: Configured;
  private readonly conditions = new Map<string, { program?: Program; error?: string }>();
  private watching = false;
  private dirty = true;

  constructor(private readonly registry: Registry) {}

  async interested(which: 'mutating' | 'validating', a: AdmissionAttributes): Promise<boolean> {
    if (EXEMPT.has(a.def.resource) && a.def.group === ADMISSION_RG) return false;
    const cfg = await this.configurations();
    const hooks = which === 'mutating' ? cfg.mutating : cfg.validating;
    let equivalents: ResourceDef[] | undefined;
    return hooks.length > 0 && hooks.some((h) => rulesMatchAs(h, a, () => (equivalents ??= equivalentDefs(this.registry, a.def))));
  }

  async mutate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<boolean> {
    if (EXEMPT.has(a.def.resource) && a.def.group === ADMISSION_RG) return false;
    const versioned = new Versioned(a, obj, old);
    const hooks = await this.matching('mutating', a, versioned, ctx);
    let changed = false;
    // reinvocationPolicy IfNeeded: a webhook that ran before a later one changed the object runs once more
    const reinvocable = new Set<Match>();
    const again = new Set<Match>();
    for (const m of hooks) {
      if (await this.mutateWith(m, 0, a, obj, versioned, ctx)) {
        changed = true;
        for (const r of reinvocable) again.add(r);
      }
      if (m.h.reinvocationPolicy === 'IfNeeded') reinvocable.add(m);
    }
    for (const m of hooks) if (again.has(m) && (await this.mutateWith(m, 1, a, obj, versioned, ctx))) changed = true;
    return changed;
  }

  /** One mutating webhook; true when its patch changed the object (patched in the version it matched, converted back). */
  private async mutateWith(m: Match, round: number, a: AdmissionAttributes, obj: KObject | undefined, versioned: Versioned, ctx: RequestContext): Promise<boolean> {
    let mutated = false;
    try {
      mutated = await this.patchWith(m, round, a, obj, versioned, ctx);
      return mutated;
    } finally {
      // recorded on every way out, as upstream's deferred annotation
      mutationAnnotation(ctx, m, round, mutated);
    }
  }

  private async patchWith(m: Match, round: number, a: AdmissionAttributes, obj: KObject | undefined, versioned: Versioned, ctx: RequestContext): Promise<boolean> {
    const { h, as } = m;
    const [vobj, vold] = await versioned.objects(as);
    const response = await this.call(h, as, a, vobj, vold, ctx, `failed-open.mutation.webhook.admission.k8s.io/round_${round}_index_${m.index}`);
    if (!response?.patch) return false;
    if (!obj) throw internalError(new Error(`admission webhook "${h.name}" attempted to modify the object, which is not supported for this operation`));
    if (response.patchType !== 'JSONPatch') throw failure(h, `unsupported patch type "${response.patchType ?? ''}"`);
    let ops: Operation[];
    try {
      ops = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[];
      if (!Array.isArray(ops)) throw new Error('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    } catch (e) {
      throw failure(h, `received undecodable patch in webhook response: ${(e as Error).message}`);
    }
    if (ops.length === 0) return false;
    const before = JSON.stringify(obj);
    let patched: KObject;
    // loaded when a webhook first patches: start-up does without it
    const fjp = (await import('fast-json-patch')).default;
    try {
      patched = fjp.applyPatch(structuredClone(vobj!), ops, true, false).newDocument as KObject;
    } catch (e) {
      throw internalError(new Error((e as Error).message.split('\n')[0]));
    }
    if (ctx.auditLevel === 'Request' || ctx.auditLevel === 'RequestResponse')
      annotate(ctx, `patch.webhook.admission.k8s.io/round_${round}_index_${m.index}`, `{"configuration":${goJSONOrdered(h.configurationName)},"webhook":${goJSONOrdered(h.name)},"patch":${goJSONUnstructured(ops)},"patchType":"JSONPatch"}`);
    if (as !== a.def) patched = (await convertBetween(patched, as, a.def))!;
    for (const k of Object.keys(obj)) delete obj[k];
    Object.assign(obj, patched);
    versioned.changed(obj);
    return JSON.stringify(obj) !== before;
  }

  async validate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    if (EXEMPT.has(a.def.resource) && a.def.group === ADMISSION_RG) return;
    // most writes meet no validating webhook at all: nothing to set up for them
    if ((await this.configurations()).validating.length === 0) return;
    const versioned = new Versioned(a, obj, old);
    const hooks = await this.matching('validating', a, versioned, ctx);
    if (hooks.length === 0) return;
    // called in parallel, as upstream; the first refusal in configuration order is the answer
    const results = await Promise.allSettled(hooks.map(async ({ h, as, index }) => this.call(h, as, a, ...(await versioned.objects(as)), ctx, `failed-open.validating.webhook.admission.k8s.io/round_0_index_${index}`)));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }

  /** One webhook, sent the objects as `as` serves them: undefined when it failed open (failurePolicy Ignore); throws its refusal or failure. */
  private async call(h: Webhook, as: ResourceDef, a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext, failedOpenKey: string): Promise<{ patch?: string; patchType?: string } | undefined> {
    if (ctx.dryRun && h.sideEffects !== 'None' && h.sideEffects !== 'NoneOnDryRun') throw badRequest(`admission webhook "${h.name}" does not support dry run`);
    const uid = randomUUID();
    const version = (h.admissionReviewVersions ?? []).includes('v1') ? 'v1' : 'v1beta1';
    const review = { kind: 'AdmissionReview', apiVersion: `admission.k8s.io/${version}`, request: this.request(uid, as, a, obj, old, ctx) };
    let answer: KObject;
    try {
      answer = await callWebhook(this.registry, h, review);
    } catch (e) {
      if (!(e instanceof WebhookCallError)) throw e;
      if (h.failurePolicy === 'Ignore') return void annotate(ctx, failedOpenKey, h.name);
      throw failure(h, `failed to call webhook: ${e.message}`);
    }
    const response = answer?.response as KObject | undefined;
    const invalid = !response ? 'webhook response was absent' : response.uid !== uid ? `expected response.uid="${uid}", got "${response.uid ?? ''}"` : undefined;
    if (invalid) {
      if (h.failurePolicy === 'Ignore') return void annotate(ctx, failedOpenKey, h.name);
      throw failure(h, `received invalid webhook response: ${invalid}`);
    }
    for (const [k, v] of Object.entries((response!.auditAnnotations as Record<string, string> | undefined) ?? {})) annotate(ctx, `${h.name}/${k}`, String(v));
    for (const w of (response!.warnings as string[] | undefined) ?? []) ctx.warnings.push(w);
    if (!response!.allowed) throw denied(h.name, response!.status as KObject | undefined);
    return response as { patch?: string; patchType?: string };
  }

  /** The AdmissionRequest: kind and resource as the webhook matched them, requestKind and requestResource as sent. */
  private request(uid: string, as: ResourceDef, a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): KObject {
    const { def } = a;
    const kind = { group: as.group, version: as.version, kind: as.kind };
    const resource = { group: as.group, version: as.version, resource: as.resource };
    const user: KObject = { username: ctx.user.username };
    if (ctx.user.uid) user.uid = ctx.user.uid;
    if (ctx.user.groups?.length) user.groups = ctx.user.groups;
    if (ctx.user.extra && Object.keys(ctx.user.extra).length) user.extra = ctx.user.extra;
    const req: KObject = { uid, kind, resource };
    if (a.subresource) req.subResource = a.subresource;
    req.requestKind = as === def ? kind : { group: def.group, version: def.version, kind: def.kind };
    req.requestResource = as === def ? resource : { group: def.group, version: def.version, resource: def.resource };
    if (a.subresource) req.requestSubResource = a.subresource;
    if (a.name) req.name = a.name;
    if (a.namespace) req.namespace = a.namespace;
    req.operation = a.operation;
    req.userInfo = user;
    req.object = obj ?? null;
    req.oldObject = old ?? null;
    req.dryRun = ctx.dryRun;
    const optionsKind = a.operation === 'CREATE' ? 'CreateOptions' : a.operation === 'UPDATE' ? 'UpdateOptions' : 'DeleteOptions';
    req.options = { kind: optionsKind, apiVersion: 'meta.k8s.io/v1', ...(ctx.dryRun ? { dryRun: ['All'] } : {}) };
    return req;
  }

  /**
   * matchConditions (CEL over object, oldObject and request): all true calls the webhook; a false one skips
   * it; an error fails the request unless failurePolicy is Ignore, as upstream's matcher.
   */
  private conditionsMatch(h: Webhook, as: ResourceDef, a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): boolean {
    if (!h.matchConditions?.length) return true;
    const { RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS, compile, evaluate } = cel();
    const request = this.request('', as, a, obj, old, ctx);
    for (const mc of h.matchConditions) {
      const key = String(mc.expression);
      let program = this.conditions.get(key);
      if (!program) {
        const r = compile(key, { variables: { object: DYN, oldObject: DYN, request: DYN }, envType: 'stored', resultTypes: [BOOL] });
        program = r.error !== undefined ? { error: r.error } : { program: r.program };
        this.conditions.set(key, program);
      }
      const result = program.program ? evaluate(program.program, { object: obj ?? null, oldObject: old ?? null, request }, { costLimit: RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS }) : undefined;
      const error = result ? result.error : program.error;
      if (error !== undefined) {
        if (h.failurePolicy === 'Ignore') return false;
        throw failure(h, `failed evaluating match conditions: matchCondition '${mc.name}': ${error}`);
      }
      if (result?.value !== true) return false;
    }
    return true;
  }

  private async matching(which: 'mutating' | 'validating', a: AdmissionAttributes, versioned: Versioned, ctx: RequestContext): Promise<Match[]> {
    const cfg = await this.configurations();
    const hooks = which === 'mutating' ? cfg.mutating : cfg.validating;
    if (hooks.length === 0) return [];
    if (hooks.some((h) => h.matchConditions?.length)) await loadCel();
    const [obj, old] = await versioned.objects(a.def);
    let equivalents: ResourceDef[] | undefined;
    const equivalentsOf = () => (equivalents ??= equivalentDefs(this.registry, a.def));
    const out: Match[] = [];
    let nsLabels: Record<string, string> | undefined | null = null;
    const namespaceLabels = async () => {
      if (nsLabels !== null) return nsLabels;
      if (a.def.resource === 'namespaces' && a.def.group === '') return (nsLabels = (obj ?? old)?.metadata?.labels ?? {});
      if (!a.namespace) return (nsLabels = undefined);
      try {
        nsLabels = (await this.registry.store('', 'v1', 'namespaces')!.get('', a.namespace)).metadata?.labels ?? {};
      } catch {
        nsLabels = {};
      }
      return nsLabels;
    };
    for (const [index, h] of hooks.entries()) {
      const as = await webhookMatches(h, a, obj, old, namespaceLabels, equivalentsOf);
      if (as && this.conditionsMatch(h, as, a, ...(await versioned.objects(as)), ctx)) out.push({ h, as, index });
    }
    return out;
  }

  /** Both kinds of configuration, read again only after a watch on them saw a change (as upstream's informers). */
  private async configurations(): Promise<Configured> {
    const mstore = this.registry.store(ADMISSION_RG, 'v1', 'mutatingwebhookconfigurations')!;
    const vstore = this.registry.store(ADMISSION_RG, 'v1', 'validatingwebhookconfigurations')!;
    if (!this.watching) {
      this.watching = true;
      this.dirty = true;
      const sink = {
        event: () => void (this.dirty = true),
        error: () => {
          this.watching = false;
          this.dirty = true;
        },
      };
      try {
        for (const store of [mstore, vstore]) await store.watch('', { resourceVersion: '0', sendInitialEvents: false }, sink);
      } catch {
        this.watching = false;
      }
    }
    if (this.configured && !this.dirty) return this.configured;
    this.dirty = false;
    const read = async (store: typeof mstore) => {
      const l = await store.list('', {});
      // sorted by configuration name, webhooks in their order, as upstream's accessor lists them
      return l.items
        .sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : x.metadata.name > y.metadata.name ? 1 : 0))
        .flatMap((cfg) => ((cfg.webhooks as Webhook[] | undefined) ?? []).map((w) => ({ ...w, configurationName: cfg.metadata.name })));
    };
    this.configured = { mutating: await read(mstore), validating: await read(vstore) };
    return this.configured;
  }
}

/** A webhook that could not be called, or answered nonsense: 500 unless it fails open. */
function failure(h: Webhook, reason: string): StatusError {
  return internalError(new Error(`failed calling webhook "${h.name}": ${reason}`));
}

/** upstream's ToStatusErr */
function denied(name: string, result: KObject | undefined): StatusError {
  const by = `admission webhook "${name}" denied the request`;
  const code = typeof result?.code === 'number' && result.code >= 400 ? result.code : 400;
  const message = result?.message ? `${by}: ${result.message}` : result?.reason ? `${by}: ${result.reason}` : `${by} without explanation`;
  return new StatusError(code, (result?.reason as string | undefined) ?? '', message, result?.details as StatusError['details']);
}
