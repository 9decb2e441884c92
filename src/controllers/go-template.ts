// Executes templates parsed by go-template-parse.ts over JSON data with Go's text/template semantics:
// missing map keys and JSON null are "no value", truth is Go's, maps range in key order.
import { parseTemplate, TemplateError, type Arg, type Pipe, type TNode } from './go-template-parse.js';
import { goPrint } from './go-template-funcs.js';

export { TemplateError };

/** A template function: receives evaluated arguments (undefined for "no value"). */
export type TemplateFunc = (...args: unknown[]) => unknown;

class Break {}
class Continue {}

export class GoTemplate {
  private constructor(
    private readonly nodes: TNode[],
    private readonly funcs: Record<string, TemplateFunc>,
  ) {}

  /** Parses `src` against the functions that will exist at execution; errors carry line:column (plus `lineOffset`). */
  static parse(src: string, funcs: Record<string, TemplateFunc>, lineOffset = 0): GoTemplate {
    return new GoTemplate(parseTemplate(src, (n) => n === 'and' || n === 'or' || Object.hasOwn(funcs, n), lineOffset), funcs);
  }

  /** Renders with `data` as dot and $; `extra` functions (per object, e.g. PodIP) override the parse-time ones. */
  execute(data: unknown, extra: Record<string, TemplateFunc> = {}): string {
    const funcs = { ...this.funcs, ...extra };
    const out: string[] = [];
    const vars: { name: string; value: unknown }[] = [{ name: '$', value: data }];
    const lookup = (name: string, pos: string) => {
      for (let i = vars.length - 1; i >= 0; i--) if (vars[i].name === name) return vars[i];
      throw new TemplateError(`${pos}: undefined variable: ${name}`);
    };
    const fields = (v: unknown, names: string[], pos: string): unknown => {
      for (const n of names) {
        if (v === undefined || v === null) return undefined;
        if (typeof v !== 'object' || Array.isArray(v)) throw new TemplateError(`${pos}: can't evaluate field ${n} in type ${goType(v)}`);
        v = Object.hasOwn(v, n) ? (v as Record<string, unknown>)[n] : undefined;
      }
      return v;
    };
    const evalArg = (a: Arg, dot: unknown, pos: string): unknown => {
      switch (a.t) {
        case 'field':
          return fields(dot, a.names, pos);
        case 'var':
          return fields(lookup(a.name, pos).value, a.names, pos);
        case 'lit':
          return a.v;
        case 'nil':
          throw new TemplateError(`${pos}: nil is not a command`);
        case 'pipe':
          return fields(evalPipe(a.pipe, dot), a.names, pos);
        case 'ident':
          return call(a.name, [], dot, pos, undefined, false);
      }
    };
    const call = (name: string, args: Arg[], dot: unknown, pos: string, final: unknown, hasFinal: boolean): unknown => {
      if (name === 'and' || name === 'or') {
        const thunks = args.map((a) => () => evalArg(a, dot, pos));
        if (hasFinal) thunks.push(() => final);
        if (!thunks.length) throw new TemplateError(`${pos}: wrong number of args for ${name}: want at least 1 got 0`);
        let v: unknown;
        for (const th of thunks) {
          v = th();
          if (truth(v) === (name === 'or')) return v;
        }
        return v;
      }
      const vals = args.map((a) => (a.t === 'nil' ? null : evalArg(a, dot, pos)));
      if (hasFinal) vals.push(final);
      try {
        return funcs[name](...vals);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        throw new TemplateError(`${pos}: error calling ${name}: ${(e as Error).message}`);
      }
    };
    const evalPipe = (pipe: Pipe, dot: unknown): unknown => {
      let value: unknown;
      pipe.cmds.forEach((cmd, i) => {
        const [head, ...rest] = cmd.args;
        const hasFinal = i > 0;
        if (head.t === 'ident') value = call(head.name, rest, dot, cmd.pos, value, hasFinal);
        else if (rest.length || hasFinal) throw new TemplateError(`${cmd.pos}: can't give argument to non-function ${describe(head)}`);
        else if (head.t === 'nil') throw new TemplateError(`${cmd.pos}: nil is not a command`);
        else value = evalArg(head, dot, cmd.pos);
      });
      if (value === null) value = undefined;
      for (const name of pipe.decl) {
        if (pipe.assign) lookup(name, pipe.pos).value = value;
        else vars.push({ name, value });
      }
      return value;
    };
    const walk = (nodes: TNode[], dot: unknown): void => {
      for (const n of nodes) {
        switch (n.t) {
          case 'text':
            out.push(n.s);
            break;
          case 'action': {
            const v = evalPipe(n.pipe, dot);
            if (!n.pipe.decl.length) out.push(v === undefined ? '<no value>' : goPrint(v));
            break;
          }
          case 'break':
            throw new Break();
          case 'continue':
            throw new Continue();
          case 'if':
          case 'with': {
            const mark = vars.length;
            const v = evalPipe(n.pipe, dot);
            if (truth(v)) walk(n.list, n.t === 'with' ? v : dot);
            else if (n.else) walk(n.else, dot);
            vars.length = mark;
            break;
          }
          case 'range': {
            const mark = vars.length;
            const v = evalPipe({ ...n.pipe, decl: [] }, dot);
            const entries: [unknown, unknown][] = [];
            if (Array.isArray(v)) v.forEach((e, i) => entries.push([i, e]));
            else if (typeof v === 'number' && Number.isInteger(v)) for (let i = 0; i < v; i++) entries.push([i, i]);
            else if (v && typeof v === 'object') for (const k of Object.keys(v).sort()) entries.push([k, (v as Record<string, unknown>)[k]]);
            else if (v !== undefined) throw new TemplateError(`${n.pipe.pos}: range can't iterate over ${goPrint(v)}`);
            for (const [k, e] of entries) {
              const inner = vars.length;
              if (n.pipe.decl.length === 1) vars.push({ name: n.pipe.decl[0], value: e });
              if (n.pipe.decl.length === 2) vars.push({ name: n.pipe.decl[0], value: k }, { name: n.pipe.decl[1], value: e });
              try {
                walk(n.list, e);
              } catch (x) {
                if (x instanceof Break) break;
                if (!(x instanceof Continue)) throw x;
              } finally {
                vars.length = inner;
              }
            }
            if (!entries.length && n.else) walk(n.else, dot);
            vars.length = mark;
            break;
          }
        }
      }
    };
    walk(this.nodes, data);
    return out.join('');
  }
}

/** Go's truth: the zero value of its type (and no value) is false. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

export function goType(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (v && typeof v === 'object') return 'map[string]interface {}';
  return 'interface {}';
}

function describe(a: Arg): string {
  if (a.t === 'field') return a.names.length ? `.${a.names.join('.')}` : '.';
  if (a.t === 'var') return [a.name, ...a.names].join('.');
  if (a.t === 'lit') return JSON.stringify(a.v);
  return a.t;
}
