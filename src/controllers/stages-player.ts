// Plays kwok Stages on the simulated Pods or Nodes: each change of an object picks its next stage, waits the
// stage's delay, then does its steps (event, finalizers, patch from the rendered template, delete).
import { parse } from 'yaml';
import type { GVR, KObject } from '../client/types.js';
import { StageEvents } from './stages-events.js';
import type { TemplateFunc } from './go-template.js';
import type { ControllerContext } from './runtime/controller.js';
import { isStatus } from './runtime/queue-controller.js';
import { pickStage, stageDelayMs, stageMatches } from './stages-lifecycle.js';
import type { Stage, StageKind, StageStep } from './stages-load.js';

/** What the simulator that owns a kind tells the player. */
export interface StageHost {
  kind: StageKind;
  resource: GVR;
  /** Objects the simulator is responsible for (pods on its nodes, its nodes). */
  manages(obj: KObject): boolean;
  /** The per-object template functions (PodIPWith, NodeName, …). */
  funcs(obj: KObject): Record<string, TemplateFunc>;
  /** The object is gone: release what was kept for it (its pod IP). */
  forget?(obj: KObject): void;
}

interface Job {
  stage: Stage;
  obj: KObject;
  due: number;
  step: number;
  retries: number;
  timer?: NodeJS.Timeout;
}

const MAX_RETRY_MS = 30_000;

export class StagePlayer {
  private ctx!: ControllerContext;
  private events!: StageEvents;
  /** UIDs of the objects some stage has matched: from then on the stages, not the built-in lifecycle, drive them. */
  private readonly claimed = new Set<string>();
  private readonly jobs = new Map<string, Job>();
  private readonly offered = new Map<string, string>();
  private busy = 0;
  private stopped = false;

  constructor(
    private readonly stages: Stage[],
    private readonly host: StageHost,
    private readonly owner: string,
  ) {}

  setup(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.stopped = false;
    this.events = new StageEvents(() => this.ctx.client);
    ctx.informers.informer(this.host.resource).on({
      add: (o) => this.offer(o),
      update: (_, o) => this.offer(o),
      delete: (o) => this.forget(o),
    });
  }

  /** Whether the stages drive this object (sticky once a stage has matched it). */
  claims(obj: KObject): boolean {
    const uid = obj.metadata?.uid as string | undefined;
    if (!uid || !this.host.manages(obj)) return false;
    if (this.claimed.has(uid)) return true;
    if (!this.stages.some((s) => stageMatches(s, obj))) return false;
    this.claimed.add(uid);
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const j of this.jobs.values()) clearTimeout(j.timer);
    this.jobs.clear();
    this.offered.clear();
  }

  idle(): boolean {
    return this.busy === 0 && [...this.jobs.values()].every((j) => j.due > Date.now() + 1000);
  }

  private key(obj: KObject): string {
    return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
  }

  private forget(obj: KObject): void {
    const key = this.key(obj);
    clearTimeout(this.jobs.get(key)?.timer);
    this.jobs.delete(key);
    this.offered.delete(key);
    this.claimed.delete(obj.metadata.uid);
    this.host.forget?.(obj);
  }

  /** A new version of an object: choose its next stage and schedule it (a pending job for the same stage keeps its time). */
  private offer(obj: KObject): void {
    if (this.stopped || !this.claims(obj)) return;
    const key = this.key(obj);
    const rv = obj.metadata.resourceVersion as string;
    if (this.offered.get(key) === rv) return;
    this.offered.set(key, rv);
    const stage = pickStage(this.stages, obj);
    const old = this.jobs.get(key);
    if (!stage) return;
    const due = old && old.stage === stage && old.step === 0 ? old.due : Date.now() + stageDelayMs(stage, obj);
    if (old) clearTimeout(old.timer);
    this.schedule(key, { stage, obj, due, step: 0, retries: 0 });
  }

  private schedule(key: string, job: Job): void {
    this.jobs.set(key, job);
    job.timer = setTimeout(() => void this.play(key, job), Math.max(0, job.due - Date.now()));
    job.timer.unref?.();
  }

  private async play(key: string, job: Job): Promise<void> {
    if (this.jobs.get(key) !== job || this.stopped) return;
    this.jobs.delete(key);
    this.busy++;
    try {
      const { failedAt, result } = await this.steps(job);
      if (failedAt >= 0 && !this.jobs.has(key) && !this.stopped) {
        const wait = Math.min(MAX_RETRY_MS, 1000 * 2 ** job.retries);
        this.schedule(key, { ...job, step: failedAt, retries: job.retries + 1, due: Date.now() + wait });
      } else if (result && job.stage.immediateNextStage && !this.jobs.has(key)) this.offer(result);
    } finally {
      this.busy--;
    }
  }

  /** kwok's step order; returns the step to retry from (-1: done) and the object as the last patch left it. */
  private async steps(job: Job): Promise<{ failedAt: number; result?: KObject }> {
    const { obj, stage } = job;
    const funcs = this.host.funcs(obj);
    const { client } = this.ctx;
    const ns = obj.metadata.namespace ?? '';
    let result: KObject | undefined;
    let deleted = false;
    for (let i = job.step; i < stage.steps.length; i++) {
      const step: StageStep = stage.steps[i];
      try {
        if (step.event) {
          const reason = step.event.reason.execute(obj, funcs);
          const message = step.event.message.execute(obj, funcs);
          await this.events.record(obj, this.host.kind, this.host.kind === 'Pod' ? obj.spec?.nodeName : obj.metadata.name, step.event.type, reason, message);
        }
        if (deleted) continue;
        if (step.finalizers) {
          const ops = finalizerOps(obj.metadata.finalizers ?? [], step.finalizers);
          if (ops.length) result = await client.patch(this.host.resource, ns, obj.metadata.name, 'json', ops);
        }
        if (step.delete) {
          deleted = true;
          result = undefined;
          await client.delete(this.host.resource, ns, obj.metadata.name, { gracePeriodSeconds: 0 }).catch((e) => {
            if (!isStatus(e, 404)) throw e;
          });
          continue;
        }
        if (step.patch) {
          const p = step.patch;
          const rendered = p.template.execute(obj, funcs);
          let data = (parse(rendered) as unknown) ?? (p.type === 'json' ? [] : {});
          if (p.root) data = p.type === 'json' ? (data as { path: string }[]).map((op) => ({ ...op, path: `/${p.root}${op.path}` })) : { [p.root]: data };
          const type = p.type ?? 'strategic';
          result = await client.patch(this.host.resource, ns, obj.metadata.name, type, data, p.subresource ? { subresource: p.subresource } : {});
        }
      } catch (e) {
        if (isStatus(e, 404)) return { failedAt: -1 };
        this.ctx.error(this.owner, new Error(`stage ${JSON.stringify(stage.name)} on ${this.host.kind} ${this.key(obj)}: ${(e as Error).message}`));
        // a template that fails to render, or a patch the server refuses, fails the same way next time
        return { failedAt: isStatus(e, 409, 429, 500, 503, 504) ? i : -1 };
      }
    }
    return { failedAt: -1, result };
  }
}

/** The JSON patch kwok sends for a stage's finalizers: remove listed (or all), then add the missing ones. */
export function finalizerOps(current: string[], f: { add: string[]; remove: string[]; empty: boolean }): KObject[] {
  const ops: KObject[] = [];
  let empty = f.empty;
  if (!empty && f.remove.length) {
    const removed: KObject[] = [];
    for (let i = current.length - 1; i >= 0; i--) if (f.remove.includes(current[i])) removed.push({ op: 'remove', path: `/metadata/finalizers/${i}` });
    if (removed.length === current.length) empty = true;
    else ops.push(...removed);
  }
  if (empty) {
    if (current.length) ops.push({ op: 'remove', path: '/metadata/finalizers' });
    if (f.add.length) ops.push({ op: 'add', path: '/metadata/finalizers', value: f.add });
  } else if (f.add.length) {
    if (current.length) for (const v of f.add.filter((a) => !current.includes(a))) ops.push({ op: 'add', path: '/metadata/finalizers/-', value: v });
    else ops.push({ op: 'add', path: '/metadata/finalizers', value: f.add });
  }
  return ops;
}
