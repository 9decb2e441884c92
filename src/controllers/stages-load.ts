// Reads kwok Stage files (kwok.x-k8s.io/v1alpha1, multi-document YAML, a file or a directory of them)
// and compiles their selectors and templates, refusing anything invalid with the file, stage and field.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments, isScalar, type Document, Scalar } from 'yaml';
import { GoTemplate, TemplateError, type TemplateFunc } from './go-template.js';
import { templateFuncs } from './go-template-funcs.js';
import { JqQuery } from './jq-query.js';

export type StageKind = 'Pod' | 'Node';
export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface StageRequirement {
  key: string;
  query: JqQuery;
  operator: Operator;
  values: string[];
}

export interface StageStep {
  event?: { type: string; reason: GoTemplate; message: GoTemplate };
  finalizers?: { add: string[]; remove: string[]; empty: boolean };
  delete?: boolean;
  patch?: { subresource: string; root: string; type?: 'json' | 'merge' | 'strategic'; template: GoTemplate };
}

export interface Stage {
  name: string;
  kind: StageKind;
  /** Absent when the stage has no selector: like kwok, such a stage matches nothing. */
  selector?: { matchLabels?: Record<string, string>; matchAnnotations?: Record<string, string>; requirements: StageRequirement[] };
  weight: number;
  weightFrom?: JqQuery;
  delay?: { ms?: number; from?: JqQuery; jitterMs?: number; jitterFrom?: JqQuery };
  steps: StageStep[];
  immediateNextStage: boolean;
}

/** The functions each kind's templates may call beyond the generic ones; they are bound per object when played. */
export const KIND_FUNCS: Record<StageKind, string[]> = {
  Pod: ['NodeIP', 'PodIP', 'NodeIPWith', 'NodeIPsWith', 'PodIPWith', 'PodIPsWith'],
  Node: ['NodeIP', 'NodeName', 'NodePort'],
};

export class StageFileError extends Error {}

const KNOWN: Record<string, string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  spec: ['resourceRef', 'selector', 'weight', 'weightFrom', 'delay', 'next', 'immediateNextStage', 'steps'],
  'spec.resourceRef': ['apiGroup', 'kind'],
  'spec.selector': ['matchLabels', 'matchAnnotations', 'matchExpressions'],
  'spec.delay': ['durationMilliseconds', 'durationFrom', 'jitterDurationMilliseconds', 'jitterDurationFrom'],
  'spec.next': ['event', 'finalizers', 'delete', 'patches', 'statusTemplate', 'statusSubresource', 'statusPatchAs'],
  step: ['patch', 'event', 'finalizers', 'delete', 'apply'],
  patch: ['subresource', 'root', 'template', 'type', 'impersonation'],
  event: ['type', 'reason', 'message'],
  finalizers: ['add', 'remove', 'empty'],
  expression: ['key', 'operator', 'values', 'jq', 'cel'],
  from: ['expressionFrom', 'jq', 'cel'],
  jqFrom: ['expression'],
  jq: ['key', 'operator', 'values'],
  item: ['value'],
};

/** Every Stage in a file, or in the .yaml/.yml files of a directory (in name order). */
export function loadStages(path: string, version: string): Stage[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => /\.ya?ml$/.test(f) && !/^kustomization\.ya?ml$/.test(f)).sort().map((f) => join(path, f)) : [path];
  } catch (e) {
    throw new StageFileError(`cannot read stages from ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!files.length) throw new StageFileError(`no .yaml or .yml files in the stages directory ${path}`);
  const stages: Stage[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) throw new StageFileError(`${file}: not YAML documents`);
    docs.forEach((doc, i) => {
      if (doc.errors.length) throw new StageFileError(`${file}: document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`);
      const raw = doc.toJS() as unknown;
      if (raw === null || raw === undefined) return;
      // kwok's other configuration kinds (KwokConfiguration, Attach, …) may share a file with its stages
      const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
      if (kind !== 'Stage' && typeof apiVersion === 'string' && /^(config\.)?kwok\.x-k8s\.io\//.test(apiVersion)) return;
      const stage = compileStage(raw, version, { file, doc, index: i + 1, text });
      const where = `${basename(file)} document ${i + 1}`;
      const key = `${stage.kind}/${stage.name}`;
      if (seen.has(key)) throw new StageFileError(`${file}: document ${i + 1}: stage "${stage.name}" for ${stage.kind} is already defined in ${seen.get(key)}`);
      seen.set(key, where);
      stages.push(stage);
    });
  }
  return stages;
}

interface Source {
  file: string;
  doc: Document;
  index: number;
  text: string;
}

type Obj = Record<string, unknown>;

function compileStage(raw: unknown, version: string, src: Source): Stage {
  const prefix = `${src.file}: document ${src.index}`;
  let named = prefix;
  const fail = (field: string, msg: string): never => {
    throw new StageFileError(`${named}: ${field}: ${msg}`);
  };
  const obj = (v: unknown, field: string, shape = field): Obj => {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) fail(field, `expected an object, got ${JSON.stringify(v)}`);
    const known = KNOWN[shape];
    if (known) for (const k of Object.keys(v as Obj)) if (!known.includes(k)) fail(field ? `${field}.${k}` : k, 'unknown field');
    return v as Obj;
  };
  const str = (v: unknown, field: string): string => {
    if (typeof v !== 'string') fail(field, `expected a string, got ${JSON.stringify(v ?? null)}`);
    return v as string;
  };
  const int = (v: unknown, field: string): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(field, `Invalid value: ${JSON.stringify(v)}: must be a non-negative integer`);
    return v as number;
  };
  const strMap = (v: unknown, field: string): Record<string, string> | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) fail(field, 'expected a map of strings');
    for (const [k, x] of Object.entries(v as Obj)) if (typeof x !== 'string') fail(`${field}[${JSON.stringify(k)}]`, `expected a string, got ${JSON.stringify(x)}`);
    return v as Record<string, string>;
  };
  const jq = (expr: unknown, field: string): JqQuery => {
    try {
      return JqQuery.parse(str(expr, field));
    } catch (e) {
      return fail(field, `invalid jq expression ${JSON.stringify(expr)}: ${(e as Error).message}`);
    }
  };
  const from = (v: unknown, field: string): JqQuery | undefined => {
    if (v === undefined || v === null) return undefined;
    const f = obj(v, field, 'from');
    if (f.cel !== undefined) fail(`${field}.cel`, 'CEL expressions are not supported by minikapi; use jq (expressionFrom)');
    if (f.jq !== undefined) return jq(obj(f.jq, `${field}.jq`, 'jqFrom').expression, `${field}.jq.expression`);
    return jq(f.expressionFrom, `${field}.expressionFrom`);
  };

  const top = obj(raw, '', '');
  if (top.apiVersion !== 'kwok.x-k8s.io/v1alpha1' || top.kind !== 'Stage') fail('apiVersion/kind', `expected kwok.x-k8s.io/v1alpha1 Stage, got ${JSON.stringify(`${top.apiVersion ?? ''}`)} ${JSON.stringify(`${top.kind ?? ''}`)}`);
  const name = (top.metadata as Obj | undefined)?.name;
  if (typeof name !== 'string' || !name) fail('metadata.name', 'Required value');
  named = `${prefix}: stage "${name as string}"`;
  const spec = obj(top.spec, 'spec');
  const ref = obj(spec.resourceRef, 'spec.resourceRef');
  const apiGroup = ref.apiGroup ?? 'v1';
  if (apiGroup !== 'v1' || (ref.kind !== 'Pod' && ref.kind !== 'Node')) fail('spec.resourceRef', `Unsupported value: ${JSON.stringify(`${apiGroup}, Kind=${ref.kind ?? ''}`)}: minikapi simulates "v1, Kind=Pod" and "v1, Kind=Node"`);
  const kind = ref.kind as StageKind;
  const funcs: Record<string, TemplateFunc> = templateFuncs(version);
  for (const f of KIND_FUNCS[kind]) funcs[f] = () => {
    throw new Error(`${f} is not bound`);
  };
  const template = (v: unknown, path: (string | number)[], field: string): GoTemplate => {
    const text = str(v, field);
    const node = src.doc.getIn(path, true);
    try {
      const lead = text.length - text.trimStart().length;
      return GoTemplate.parse(text.trim(), funcs, text.slice(0, lead).split('\n').length - 1);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      const at = locate(e.message, node, src.text, src.file);
      throw new StageFileError(at ? `${at} (stage "${name as string}", ${field})` : `${named}: ${field}${/^\d/.test(e.message) ? ':' : ': '}${e.message}`);
    }
  };

  let selector: Stage['selector'];
  if (spec.selector !== undefined && spec.selector !== null) {
    const sel = obj(spec.selector, 'spec.selector');
    const exprs = sel.matchExpressions ?? [];
    if (!Array.isArray(exprs)) fail('spec.selector.matchExpressions', 'expected a list');
    const requirements = (exprs as unknown[]).map((e, i) => {
      const field = `spec.selector.matchExpressions[${i}]`;
      let x = obj(e, field, 'expression');
      if (x.cel !== undefined) fail(`${field}.cel`, 'CEL expressions are not supported by minikapi; use jq (key/operator/values)');
      if (x.jq !== undefined) x = obj(x.jq, `${field}.jq`, 'jq');
      const operator = x.operator as Operator;
      const values = (x.values ?? []) as string[];
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) fail(`${field}.values`, 'expected a list of strings');
      if (operator === 'In' || operator === 'NotIn') {
        if (!values.length) fail(`${field}.values`, "for 'in', 'notin' operators, values set can't be empty");
      } else if (operator === 'Exists' || operator === 'DoesNotExist') {
        if (values.length) fail(`${field}.values`, 'values set must be empty for exists and does not exist');
      } else fail(`${field}.operator`, `Unsupported value: ${JSON.stringify(x.operator ?? '')}: supported values: "In", "NotIn", "Exists", "DoesNotExist"`);
      return { key: str(x.key, `${field}.key`), query: jq(x.key, `${field}.key`), operator, values };
    });
    selector = { matchLabels: strMap(sel.matchLabels, 'spec.selector.matchLabels'), matchAnnotations: strMap(sel.matchAnnotations, 'spec.selector.matchAnnotations'), requirements };
  }

  let delay: Stage['delay'];
  if (spec.delay !== undefined && spec.delay !== null) {
    const d = obj(spec.delay, 'spec.delay');
    delay = { ms: int(d.durationMilliseconds, 'spec.delay.durationMilliseconds'), from: from(d.durationFrom, 'spec.delay.durationFrom'), jitterMs: int(d.jitterDurationMilliseconds, 'spec.delay.jitterDurationMilliseconds'), jitterFrom: from(d.jitterDurationFrom, 'spec.delay.jitterDurationFrom') };
  }

  const compileStep = (s: Obj, base: (string | number)[], field: string): StageStep => {
    const step: StageStep = {};
    if (s.event !== undefined) {
      const ev = obj(s.event, `${field}.event`, 'event');
      const type = ev.type ?? 'Normal';
      if (type !== 'Normal' && type !== 'Warning') fail(`${field}.event.type`, `Unsupported value: ${JSON.stringify(type)}: supported values: "Normal", "Warning"`);
      step.event = { type: type as string, reason: template(ev.reason ?? '', [...base, 'event', 'reason'], `${field}.event.reason`), message: template(ev.message ?? '', [...base, 'event', 'message'], `${field}.event.message`) };
    }
    if (s.finalizers !== undefined) {
      const f = obj(s.finalizers, `${field}.finalizers`, 'finalizers');
      const items = (v: unknown, at: string) => {
        if (v === undefined) return [];
        if (!Array.isArray(v)) fail(at, 'expected a list of {value: …}');
        return (v as unknown[]).map((x, i) => str(obj(x, `${at}[${i}]`, 'item').value, `${at}[${i}].value`));
      };
      step.finalizers = { add: items(f.add, `${field}.finalizers.add`), remove: items(f.remove, `${field}.finalizers.remove`), empty: f.empty === true };
    }
    if (s.delete !== undefined && typeof s.delete !== 'boolean') fail(`${field}.delete`, 'expected true or false');
    if (s.delete) step.delete = true;
    if (s.apply !== undefined) fail(`${field}.apply`, 'applying other resources is not supported by minikapi');
    if (s.patch !== undefined) step.patch = compilePatch(obj(s.patch, `${field}.patch`, 'patch'), [...base, 'patch'], `${field}.patch`);
    return step;
  };
  const compilePatch = (p: Obj, base: (string | number)[], field: string): NonNullable<StageStep['patch']> => {
    if (p.impersonation !== undefined) fail(`${field}.impersonation`, 'not supported for Pod and Node resources');
    const type = p.type as 'json' | 'merge' | 'strategic' | undefined;
    if (type !== undefined && type !== 'json' && type !== 'merge' && type !== 'strategic') fail(`${field}.type`, `Unsupported value: ${JSON.stringify(type)}: supported values: "json", "merge", "strategic"`);
    const subresource = (p.subresource ?? '') as string;
    if (subresource !== '' && subresource !== 'status') fail(`${field}.subresource`, `Unsupported value: ${JSON.stringify(subresource)}: supported values: "", "status"`);
    return { subresource, root: (p.root ?? '') as string, type, template: template(p.template, [...base, 'template'], `${field}.template`) };
  };

  const steps: StageStep[] = [];
  if (Array.isArray(spec.steps) && spec.steps.length) {
    spec.steps.forEach((s, i) => steps.push(compileStep(obj(s, `spec.steps[${i}]`, 'step'), ['spec', 'steps', i], `spec.steps[${i}]`)));
  } else if (spec.next !== undefined && spec.next !== null) {
    // kwok's conversion of `next`: event, finalizers, patches (or the status template), delete — in that order
    const next = obj(spec.next, 'spec.next');
    if (next.statusPatchAs !== undefined) fail('spec.next.statusPatchAs', 'not supported for Pod and Node resources');
    if (next.event !== undefined) steps.push(compileStep({ event: next.event }, ['spec', 'next'], 'spec.next'));
    if (next.finalizers !== undefined) steps.push(compileStep({ finalizers: next.finalizers }, ['spec', 'next'], 'spec.next'));
    if (Array.isArray(next.patches) && next.patches.length) {
      next.patches.forEach((p, i) => steps.push({ patch: compilePatch(obj(p, `spec.next.patches[${i}]`, 'patch'), ['spec', 'next', 'patches', i], `spec.next.patches[${i}]`) }));
    } else if (next.statusTemplate !== undefined && next.statusTemplate !== '') {
      const sub = (next.statusSubresource ?? 'status') as string;
      if (sub !== 'status') fail('spec.next.statusSubresource', 'not supported for Pod and Node resources');
      steps.push({ patch: { subresource: 'status', root: 'status', template: template(next.statusTemplate, ['spec', 'next', 'statusTemplate'], 'spec.next.statusTemplate') } });
    }
    if (next.delete !== undefined && typeof next.delete !== 'boolean') fail('spec.next.delete', 'expected true or false');
    if (next.delete) steps.push({ delete: true });
  }
  if (spec.immediateNextStage !== undefined && typeof spec.immediateNextStage !== 'boolean') fail('spec.immediateNextStage', 'expected true or false');
  return {
    name: name as string,
    kind,
    selector,
    weight: int(spec.weight, 'spec.weight') ?? 0,
    weightFrom: from(spec.weightFrom, 'spec.weightFrom'),
    delay,
    steps,
    immediateNextStage: spec.immediateNextStage === true,
  };
}

/** `file:line:col: message` for a template error at `l:c` inside a block scalar, so an editor can jump to it. */
function locate(message: string, node: unknown, text: string, file: string): string | undefined {
  const m = /^(\d+):(\d+): (.*)$/s.exec(message);
  if (!m || !isScalar(node) || !node.range) return undefined;
  const scalar = node as Scalar;
  if (scalar.type !== Scalar.BLOCK_LITERAL && scalar.type !== Scalar.BLOCK_FOLDED) return undefined;
  const headerLine = text.slice(0, scalar.range![0]).split('\n').length;
  const lines = text.split('\n');
  const first = lines.slice(headerLine).find((l) => l.trim() !== '') ?? '';
  const indent = first.length - first.trimStart().length;
  return `${file}:${headerLine + Number(m[1])}:${indent + Number(m[2])}: ${m[3]}`;
}
