// Label and field selectors with upstream's syntax (k8s.io/apimachinery/pkg/labels, pkg/fields).
import { badRequest } from './errors.js';

type Op = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export interface LabelSelector {
  requirements: Requirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  empty: boolean;
}

const everything: LabelSelector = { requirements: [], matches: () => true, empty: true };

function matchRequirement(r: Requirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(v!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const n = Number.parseInt(v!, 10);
      if (!/^-?\d+$/.test(v!)) return false;
      const bound = Number.parseInt(r.values[0], 10);
      return r.op === 'gt' ? n > bound : n < bound;
    }
  }
}

const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValueRe = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function qualifiedNameErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !dns1123Subdomain.test(prefix)) errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !qualifiedNamePart.test(name))
    errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  return errs;
}

export function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!labelValueRe.test(v))
    errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  return errs;
}

class Lexer {
  pos = 0;
  constructor(readonly s: string) {}
  skipSpace() {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }
  peek(): string {
    this.skipSpace();
    return this.s[this.pos] ?? '';
  }
  // identifiers run until whitespace or a special character
  ident(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.s.length && !/[\s,()=!<>]/.test(this.s[this.pos])) this.pos++;
    return this.s.slice(start, this.pos);
  }
  eat(tok: string): boolean {
    this.skipSpace();
    if (this.s.startsWith(tok, this.pos)) {
      this.pos += tok.length;
      return true;
    }
    return false;
  }
  done(): boolean {
    this.skipSpace();
    return this.pos >= this.s.length;
  }
}

function parseError(msg: string): never {
  throw badRequest(`unable to parse requirement: ${msg}`);
}

export function parseLabelSelector(input: string | undefined | null): LabelSelector {
  if (!input || input.trim() === '') return everything;
  const lx = new Lexer(input);
  const reqs: Requirement[] = [];
  for (;;) {
    let op: Op | undefined;
    let negated = false;
    if (lx.eat('!')) negated = true;
    const key = lx.ident();
    if (!key) throw badRequest(`found '${lx.peek() || 'EOS'}', expected: !, identifier, or 'end of string'`);
    const keyErrs = qualifiedNameErrors(key);
    if (keyErrs.length) parseError(`values[0][key]: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    let values: string[] = [];
    if (negated) {
      op = '!';
    } else if (lx.done() || lx.peek() === ',') {
      op = 'exists';
    } else if (lx.eat('==') || lx.eat('=')) {
      op = '=';
    } else if (lx.eat('!=')) {
      op = '!=';
    } else if (lx.eat('>')) {
      op = 'gt';
    } else if (lx.eat('<')) {
      op = 'lt';
    } else {
      const word = lx.ident();
      if (word === 'in') op = 'in';
      else if (word === 'notin') op = 'notin';
      else throw badRequest(`found '${word}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    if (op === '=' || op === '!=' || op === 'gt' || op === 'lt') {
      const v = lx.ident();
      if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(v)) parseError(`for 'Gt', 'Lt' operators, the value must be an integer`);
      values = [v];
    } else if (op === 'in' || op === 'notin') {
      if (!lx.eat('(')) throw badRequest(`found '${lx.peek() || 'EOS'}', expected: '('`);
      for (;;) {
        const v = lx.ident();
        values.push(v);
        if (lx.eat(',')) continue;
        if (lx.eat(')')) break;
        throw badRequest(`found '${lx.peek() || 'EOS'}', expected: ',' or ')'`);
      }
    }
    for (const v of values) {
      const ve = labelValueErrors(v);
      if (ve.length && op !== 'gt' && op !== 'lt') parseError(`values[0][${key}]: Invalid value: ${JSON.stringify(v)}: ${ve.join('; ')}`);
    }
    reqs.push({ key, op, values });
    if (lx.done()) break;
    if (!lx.eat(',')) throw badRequest(`found '${lx.peek()}', expected: ',' or 'end of string'`);
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { requirements: reqs, empty: reqs.length === 0, matches: (labels) => reqs.every((r) => matchRequirement(r, labels)) };
}

/** Selector from a metav1.LabelSelector (matchLabels + matchExpressions). */
export function labelSelectorFromObject(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined | null): LabelSelector {
  if (!sel) return { requirements: [], empty: true, matches: () => false };
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: '=', values: [v] });
  for (const e of sel.matchExpressions ?? []) {
    const op: Op = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : '!';
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return { requirements: reqs, empty: reqs.length === 0, matches: (labels) => reqs.every((r) => matchRequirement(r, labels)) };
}

export function formatLabelSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined | null): string {
  if (!sel) return '';
  const parts: string[] = [];
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'In' ? `${e.key} in (${vals})` : e.operator === 'NotIn' ? `${e.key} notin (${vals})` : e.operator === 'Exists' ? e.key : `!${e.key}`;
    reqs.push({ key: e.key, text });
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const r of reqs) parts.push(r.text);
  return parts.join(',');
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  empty: boolean;
  matches(fields: Record<string, string>): boolean;
  /** The value required for a field by an `=` term, if any (used to narrow lists to one name). */
  requiredValue(field: string): string | undefined;
}

function splitTerms(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unescapeField(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      const n = s[i + 1];
      if (n === '\\' || n === ',' || n === '=') {
        out += n;
        i++;
        continue;
      }
      throw badRequest(`invalid field selector: invalid escape sequence: \\${n ?? ''}`);
    }
    out += s[i];
  }
  return out;
}

export function parseFieldSelector(input: string | undefined | null): FieldSelector {
  const reqs: FieldRequirement[] = [];
  if (input && input.trim() !== '') {
    for (const term of splitTerms(input, ',')) {
      if (term === '') continue;
      let op: '=' | '!=' = '=';
      let idx = -1;
      let len = 0;
      // find the first unescaped operator: != before == before =
      for (let i = 0; i < term.length; i++) {
        if (term[i] === '\\') {
          i++;
          continue;
        }
        if (term.startsWith('!=', i)) {
          op = '!=';
          idx = i;
          len = 2;
          break;
        }
        if (term.startsWith('==', i)) {
          idx = i;
          len = 2;
          break;
        }
        if (term[i] === '=') {
          idx = i;
          len = 1;
          break;
        }
      }
      if (idx < 0) throw badRequest(`invalid selector: '${input}'; can't understand '${term}'`);
      reqs.push({ field: unescapeField(term.slice(0, idx).trim()), op, value: unescapeField(term.slice(idx + len)) });
    }
  }
  return {
    requirements: reqs,
    empty: reqs.length === 0,
    // a field the object does not have reads as "" (fields.Set)
    matches: (fields) => reqs.every((r) => (r.op === '=' ? (fields[r.field] ?? '') === r.value : (fields[r.field] ?? '') !== r.value)),
    requiredValue: (field) => reqs.find((r) => r.field === field && r.op === '=')?.value,
  };
}
