// x-kubernetes-validations on custom objects, as apiextensions' CEL validator runs them: every rule of every
// schema node with a value, `self` the value and `oldSelf` the correlated old value (transition rules only
// when there is one, unless optionalOldSelf), messages, messageExpression, reason and fieldPath, the
// per-call cost limit, and ratcheting (an unchanged value is not validated again on update).
import { type FieldError, invalid } from '../apimachinery/errors.js';
import type { Program } from '../cel/compile.js';
import { cel } from '../cel/lazy.js';
import { toCelSchema } from './cel-rule-compiler.js';
import type { Structural, ValidationRule } from './types.js';

interface CompiledRule {
  rule: ValidationRule;
  program?: Program;
  usesOldSelf: boolean;
  message?: Program;
}

/** celconfig.MaxEvaluatedMessageExpressionSizeBytes. */
const MAX_EVALUATED_MESSAGE_EXPRESSION_SIZE_BYTES = 5 * 1024;

const compiled = new WeakMap<Structural, CompiledRule[]>();

function rulesOf(s: Structural, isRoot: boolean): CompiledRule[] {
  let out = compiled.get(s);
  if (out) return out;
  const { CRD_RULE, compile } = cel();
  const schema = toCelSchema(s);
  const isResourceRoot = isRoot || !!s.xEmbeddedResource;
  out = (s.xValidations ?? []).map((rule) => {
    const variables = { self: { schema, isResourceRoot }, oldSelf: { schema, isResourceRoot, optional: !!rule.optionalOldSelf } };
    const r = compile(rule.rule ?? '', { variables, envType: 'stored', ...CRD_RULE });
    const c: CompiledRule = { rule, usesOldSelf: false };
    if (r.error === undefined) {
      c.program = r.program;
      c.usesOldSelf = r.program.referencedVariables.has('oldSelf');
    }
    if (rule.messageExpression) {
      const m = compile(rule.messageExpression, { variables: { self: { schema, isResourceRoot } }, envType: 'stored' });
      if (m.error === undefined) c.message = m.program;
    }
    return c;
  });
  compiled.set(s, out);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A rule's fieldPath (`.a.b`, `['c']`) appended to the node's path. */
function withFieldPath(base: string | undefined, fieldPath: string): string {
  let p = base ?? '';
  for (const m of fieldPath.matchAll(/\.([^.[]+)|\['([^']*)'\]|\[(\d+)\]/g)) {
    if (m[1] !== undefined) p = p ? `${p}.${m[1]}` : m[1];
    else if (m[2] !== undefined) p = p ? `${p}.${m[2]}` : m[2];
    else p = `${p}[${m[3]}]`;
  }
  return p;
}

function errorFor(path: string | undefined, type: string, detail: string, reason?: string): FieldError {
  const field = path ?? '<nil>';
  switch (reason) {
    case 'FieldValueForbidden':
      return { type: 'FieldValueForbidden', field, detail };
    case 'FieldValueRequired':
      return { type: 'FieldValueRequired', field, detail };
    case 'FieldValueDuplicate':
      return { type: 'FieldValueDuplicate', field, badValue: type };
    default:
      return invalid(field, type, detail);
  }
}

const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

/** The rule as error texts name it: its message when it has one. */
const ruleErrorString = (rule: ValidationRule) => (rule.message ? rule.message.trim() : (rule.rule ?? '').trim());

/** Go's %q of an ASCII string. */
const quoted = (s: string) => JSON.stringify(s);

interface Budget {
  left: number;
  stopped: boolean;
}

/** validateExpressions: the node's rules in order, each charged to the request's budget. */
function validateRules(rules: CompiledRule[], path: string | undefined, type: string, value: unknown, old: unknown, hasOld: boolean, errs: FieldError[], budget: Budget): void {
  const { COST_LIMIT_EXCEEDED, evaluate } = cel();
  const field = path ?? '<nil>';
  if (budget.left <= 0) {
    errs.push(invalid(field, type, OUT_OF_BUDGET));
    budget.stopped = true;
    return;
  }
  for (const c of rules) {
    if (!c.program) continue;
    if (c.usesOldSelf && !hasOld && !c.rule.optionalOldSelf) continue;
    const r = evaluate(c.program, { self: value, oldSelf: hasOld ? old : undefined });
    if (r.cost > budget.left) {
      errs.push(invalid(field, type, OUT_OF_BUDGET));
      budget.stopped = true;
      return;
    }
    budget.left -= r.cost;
    const ruleText = ruleErrorString(c.rule);
    if (r.error !== undefined) {
      if (r.error === COST_LIMIT_EXCEEDED) {
        errs.push(invalid(field, type, `'${r.error}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleText}`));
        budget.stopped = true;
        return;
      }
      if (r.error.startsWith('no such overload')) errs.push(invalid(field, type, `'${r.error}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText}`));
      else errs.push(invalid(field, type, `${r.error} evaluating rule: ${ruleText}`));
      continue;
    }
    if (r.value === true) continue;
    const at = c.rule.fieldPath ? withFieldPath(path, c.rule.fieldPath) : path;
    let detail = c.rule.message ? c.rule.message.trim() : `failed rule: ${(c.rule.rule ?? '').trim()}`;
    if (c.message) {
      const m = evaluate(c.message, { self: value });
      if (m.cost > budget.left) {
        errs.push(invalid(at ?? '<nil>', type, 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run'));
        budget.stopped = true;
        return;
      }
      if (m.error === COST_LIMIT_EXCEEDED) {
        errs.push(invalid(at ?? '<nil>', type, `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${quoted(c.rule.messageExpression ?? '')}`));
        budget.stopped = true;
        return;
      }
      budget.left -= m.cost;
      const msg = m.error === undefined && typeof m.value === 'string' ? m.value.trim() : '';
      if (msg !== '' && !msg.includes('\n') && Buffer.byteLength(msg) <= MAX_EVALUATED_MESSAGE_EXPRESSION_SIZE_BYTES) detail = msg;
    }
    errs.push(errorFor(at, type, detail, c.rule.reason));
  }
}

function validateNode(s: Structural, path: string | undefined, value: unknown, old: unknown, hasOld: boolean, errs: FieldError[], budget: Budget): void {
  if (value === undefined || value === null || budget.stopped) return;
  // ratcheting: an unchanged value passed before and is not judged again
  if (hasOld && deepEqual(value, old)) return;
  const type = s.type || (s.xIntOrString ? 'integer' : 'object');
  if (s.xValidations?.length) {
    validateRules(rulesOf(s, path === undefined), path, type, value, old, hasOld, errs, budget);
    if (budget.stopped) return;
  }
  const child = (p: string) => (path ? `${path}.${p}` : p);
  if (isObject(value)) {
    const oldObj = hasOld && isObject(old) ? old : undefined;
    for (const [k, ps] of Object.entries(s.properties ?? {})) validateNode(ps, child(k), value[k], oldObj?.[k], !!oldObj && k in oldObj, errs, budget);
    const ap = s.additionalProperties?.schema;
    if (ap) for (const [k, v] of Object.entries(value)) if (!s.properties?.[k]) validateNode(ap, `${path ?? ''}[${k}]`, v, oldObj?.[k], !!oldObj && k in oldObj, errs, budget);
  } else if (Array.isArray(value) && s.items) {
    const keys = s.xListType === 'map' ? (s.xListMapKeys ?? []) : [];
    const oldItems = hasOld && Array.isArray(old) ? old : [];
    value.forEach((item, i) => {
      // only map lists correlate items with the old list (by their keys)
      const prev = keys.length && isObject(item) ? oldItems.find((o) => isObject(o) && keys.every((k) => deepEqual(o[k], item[k]))) : undefined;
      validateNode(s.items!, `${path ?? ''}[${i}]`, item, prev, prev !== undefined, errs, budget);
    });
  }
}

/** The CEL rule errors of a custom object (old: the object before an update). */
export function validateCELRules(structural: Structural, obj: unknown, old?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  validateNode(structural, undefined, obj, old, old !== undefined, errs, { left: cel().RUNTIME_CEL_COST_BUDGET, stopped: false });
  return errs;
}

/** Whether any node of the schema carries rules (most CRDs have none: nothing to walk then). */
export function hasCELRules(s: Structural | undefined): boolean {
  if (!s) return false;
  if (s.xValidations?.length) return true;
  return Object.values(s.properties ?? {}).some(hasCELRules) || hasCELRules(s.items) || hasCELRules(s.additionalProperties?.schema);
}
