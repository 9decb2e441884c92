// Type checker with cel-go's rules and messages: identifier and overload resolution, type parameters,
// comprehension scopes, optional field selection, struct field lookup.
import type { Expr } from './ast.js';
import type { FunctionDecl } from './decls.js';
import type { CelIssue, Source } from './source.js';
import type { SourceInfo } from './ast.js';
import {
  BOOL, CelType, DYN, ERROR, INT, Mapping, formatType, isAssignable,
  isAssignableList, isOptionalType, listOf, mapOf, mostGeneral, opaque, optionalOf, sameType, substitute, typeParam,
} from './types.js';
import type { Val } from './values.js';
import { runtimeType } from './runtime.js';

export interface TypeProvider {
  /** The struct type of this name, if the environment knows it. */
  findStructType(name: string): CelType | undefined;
  /** The type of a field of a known struct type, or undefined when the field does not exist. */
  findFieldType(structName: string, field: string): CelType | undefined;
}

export interface CheckEnv {
  variables: ReadonlyMap<string, CelType>;
  /** Identifiers that name types: they evaluate to type values (cel-go plans them as constants). */
  typeNames?: ReadonlySet<string>;
  functions: ReadonlyMap<string, FunctionDecl>;
  provider: TypeProvider;
}

export interface Reference {
  /** Resolved variable name (identifiers and qualified selects). */
  name?: string;
  /** Set when the identifier names a type: its value. */
  typeValue?: CelType;
  overloadIds?: string[];
}

export interface CheckResult {
  types: Map<number, CelType>;
  refs: Map<number, Reference>;
  issues: CelIssue[];
}

const isDynOrError = (t: CelType) => t.kind === 'dyn' || t.kind === 'any' || t.kind === 'error';

/** `a.b.c` as a qualified name when the select chain is made of identifiers. */
export function qualifiedName(e: Expr): string | undefined {
  if (e.kind === 'ident') return e.name;
  if (e.kind === 'select' && !e.testOnly) {
    const q = qualifiedName(e.operand);
    return q === undefined ? undefined : `${q}.${e.field}`;
  }
  return undefined;
}

class Checker {
  private mapping = new Mapping();
  private freeVars = 0;
  private readonly scopes: Map<string, CelType>[] = [];
  readonly types = new Map<number, CelType>();
  readonly refs = new Map<number, Reference>();
  readonly issues: CelIssue[] = [];

  constructor(private readonly env: CheckEnv, private readonly source: Source, private readonly info: SourceInfo) {}

  private report(id: number, message: string): void {
    this.issues.push({ location: this.source.locationOf(this.info.offsetOf(id)), message });
  }

  private setType(e: Expr, t: CelType): void {
    this.types.set(e.id, t);
  }

  private typeOf(e: Expr): CelType {
    return this.types.get(e.id) ?? ERROR;
  }

  private lookupIdent(name: string): [string, CelType, boolean?] | undefined {
    if (!name.startsWith('.')) {
      for (let i = this.scopes.length - 1; i >= 0; i--) {
        const t = this.scopes[i].get(name);
        if (t) return [name, t];
      }
    }
    const n = name.startsWith('.') ? name.slice(1) : name;
    const t = this.env.variables.get(n);
    if (t) return [n, t, this.env.typeNames?.has(n)];
    const st = this.env.provider.findStructType(n);
    if (st) return [n, new CelType('type', 'type', [st]), true];
    return undefined;
  }

  private lookupFunction(name: string): FunctionDecl | undefined {
    return this.env.functions.get(name.startsWith('.') ? name.slice(1) : name);
  }

  private assignable(t1: CelType, t2: CelType): boolean {
    const m = isAssignable(this.mapping, t1, t2);
    if (m) this.mapping = m;
    return m !== undefined;
  }

  private newTypeVar(): CelType {
    return typeParam(`_var${this.freeVars++}`);
  }

  check(e: Expr): void {
    switch (e.kind) {
      case 'literal':
        return this.setType(e, runtimeType(e.value as Val));
      case 'ident':
        return this.checkIdent(e);
      case 'select':
        return this.checkSelect(e);
      case 'call':
        return this.checkCall(e);
      case 'list':
        return this.checkList(e);
      case 'map':
        return this.checkMap(e);
      case 'struct':
        return this.checkStruct(e);
      case 'comprehension':
        return this.checkComprehension(e);
      default:
        this.report(e.id, 'unexpected unspecified type: ');
        this.setType(e, ERROR);
    }
  }

  private checkIdent(e: Extract<Expr, { kind: 'ident' }>): void {
    const found = this.lookupIdent(e.name);
    if (found) {
      this.setType(e, found[1]);
      this.refs.set(e.id, { name: found[0], typeValue: found[2] ? found[1].params[0] : undefined });
      e.name = found[0];
      return;
    }
    this.setType(e, ERROR);
    this.report(e.id, `undeclared reference to '${e.name}' (in container '')`);
  }

  private checkSelect(e: Extract<Expr, { kind: 'select' }>): void {
    if (!e.testOnly) {
      const q = qualifiedName(e);
      const found = q && this.lookupIdent(q);
      if (found) {
        this.setType(e, found[1]);
        this.refs.set(e.id, { name: found[0], typeValue: found[2] ? found[1].params[0] : undefined });
        Object.assign(e, { kind: 'ident', name: found[0] });
        return;
      }
    }
    let result = this.checkSelectField(e, e.operand, e.field, false);
    if (e.testOnly) result = BOOL;
    this.setType(e, substitute(this.mapping, result, false));
  }

  private checkSelectField(e: Expr, operand: Expr, field: string, optional: boolean): CelType {
    this.check(operand);
    const operandType = substitute(this.mapping, this.typeOf(operand), false);
    const isOpt = isOptionalType(operandType);
    const target = isOpt ? operandType.params[0] : operandType;
    let result = ERROR;
    switch (target.kind) {
      case 'map':
        result = target.params[1];
        break;
      case 'struct': {
        const ft = this.lookupFieldType(e.id, target.name, field);
        if (ft) result = ft;
        break;
      }
      case 'typeparam':
        this.assignable(DYN, target);
        result = DYN;
        break;
      default:
        if (!isDynOrError(target)) this.report(e.id, `type '${formatType(target)}' does not support field selection`);
        result = DYN;
    }
    return isOpt || optional ? optionalOf(result) : result;
  }

  private lookupFieldType(id: number, structName: string, field: string): CelType | undefined {
    if (!this.env.provider.findStructType(structName)) {
      this.report(id, `unexpected failed resolution of '${structName}'`);
      return undefined;
    }
    const ft = this.env.provider.findFieldType(structName, field);
    if (ft) return ft;
    this.report(id, `undefined field '${field}'`);
    return undefined;
  }

  private checkCall(e: Extract<Expr, { kind: 'call' }>): void {
    if (e.fn === '_?._' && !e.target) return this.checkOptSelect(e);
    for (const a of e.args) this.check(a);
    if (!e.target) {
      const fn = this.lookupFunction(e.fn);
      if (!fn) {
        this.report(e.id, `undeclared reference to '${e.fn}' (in container '')`);
        return this.setType(e, ERROR);
      }
      e.fn = fn.name;
      return this.resolve(e, fn, undefined);
    }
    const q = qualifiedName(e.target);
    if (q !== undefined) {
      const fn = this.lookupFunction(`${q}.${e.fn}`);
      if (fn) {
        e.fn = fn.name;
        e.target = undefined;
        return this.resolve(e, fn, undefined);
      }
    }
    this.check(e.target);
    const fn = this.lookupFunction(e.fn);
    if (fn) return this.resolve(e, fn, e.target);
    this.setType(e, ERROR);
    this.report(e.id, `undeclared reference to '${e.fn}' (in container '')`);
  }

  private checkOptSelect(e: Extract<Expr, { kind: 'call' }>): void {
    const [operand, field] = e.args;
    if (field.kind !== 'literal' || typeof field.value !== 'string') {
      this.report(field.id, `unsupported optional field selection: ${field.kind}`);
      return;
    }
    const result = this.checkSelectField(e, operand, field.value, true);
    this.setType(e, substitute(this.mapping, result, false));
    this.refs.set(e.id, { overloadIds: ['select_optional_field'] });
  }

  private resolve(e: Extract<Expr, { kind: 'call' }>, fn: FunctionDecl, target: Expr | undefined): void {
    const argTypes = [...(target ? [this.typeOf(target)] : []), ...e.args.map((a) => this.typeOf(a))];
    let result: CelType | undefined;
    const ids: string[] = [];
    for (const o of fn.overloads) {
      if ((target === undefined) === o.member) continue;
      if (fn.name === '_&&_' || fn.name === '_||_') {
        let failed = false;
        argTypes.forEach((t, i) => {
          if (!this.assignable(t, BOOL)) {
            this.report(e.args[i].id, `expected type '${formatType(BOOL)}' but found '${formatType(t)}'`);
            failed = true;
          }
        });
        if (failed) return this.setType(e, ERROR);
        this.refs.set(e.id, { overloadIds: [o.id] });
        return this.setType(e, BOOL);
      }
      const fresh = new Mapping();
      for (const p of o.typeParams) fresh.add(typeParam(p), this.newTypeVar());
      const params = o.args.map((t) => substitute(fresh, t, false));
      const oResult = substitute(fresh, o.result, false);
      const m = isAssignableList(this.mapping, argTypes, params);
      if (!m) continue;
      this.mapping = m;
      ids.push(o.id);
      const r = substitute(this.mapping, oResult, false);
      if (result === undefined) result = r;
      else if (result.kind !== 'dyn' && !sameType(r, result)) result = DYN;
    }
    if (result === undefined) {
      const shown = argTypes.map((t) => formatType(substitute(this.mapping, t, true)));
      const sig = target ? `${shown[0]}.(${shown.slice(1).join(', ')})` : `(${shown.join(', ')})`;
      this.report(e.id, `found no matching overload for '${fn.name}' applied to '${sig}'`);
      return this.setType(e, ERROR);
    }
    this.setType(e, result);
    this.refs.set(e.id, { overloadIds: ids });
  }

  private joinTypes(prev: CelType | undefined, cur: CelType): CelType {
    if (prev === undefined) return cur;
    if (this.assignable(prev, cur)) return mostGeneral(prev, cur);
    return DYN;
  }

  private checkList(e: Extract<Expr, { kind: 'list' }>): void {
    let elemType: CelType | undefined;
    e.elements.forEach((el, i) => {
      this.check(el);
      let t = this.typeOf(el);
      if (e.optionalIndices.includes(i)) {
        const isOpt = isOptionalType(t);
        if (isOpt) t = t.params[0];
        else if (t.kind !== 'dyn') this.report(el.id, `expected type '${formatType(optionalOf(t))}' but found '${formatType(t)}'`);
      }
      elemType = this.joinTypes(elemType, t);
    });
    this.setType(e, listOf(elemType ?? this.newTypeVar()));
  }

  private checkMap(e: Extract<Expr, { kind: 'map' }>): void {
    let keyType: CelType | undefined;
    let valType: CelType | undefined;
    for (const entry of e.entries) {
      this.check(entry.key);
      keyType = this.joinTypes(keyType, this.typeOf(entry.key));
      this.check(entry.value);
      let t = this.typeOf(entry.value);
      if (entry.optional) {
        if (isOptionalType(t)) t = t.params[0];
        else if (t.kind !== 'dyn') this.report(entry.value.id, `expected type '${formatType(optionalOf(t))}' but found '${formatType(t)}'`);
      }
      valType = this.joinTypes(valType, t);
    }
    this.setType(e, keyType ? mapOf(keyType, valType!) : mapOf(this.newTypeVar(), this.newTypeVar()));
  }

  private checkStruct(e: Extract<Expr, { kind: 'struct' }>): void {
    const found = this.lookupIdent(e.typeName);
    if (!found) {
      this.report(e.id, `undeclared reference to '${e.typeName}' (in container '')`);
      return this.setType(e, ERROR);
    }
    e.typeName = found[0];
    this.refs.set(e.id, { name: found[0] });
    let result = ERROR;
    const identType = found[1];
    if (identType.kind !== 'error') {
      if (identType.kind !== 'type') this.report(e.id, `'${formatType(identType)}' is not a type`);
      else if (identType.params[0].kind === 'struct') result = identType.params[0];
      else this.report(e.id, `'${formatType(identType.params[0])}' is not a message type`);
    }
    this.setType(e, result);
    for (const f of e.fields) {
      this.check(f.value);
      const ft = result.kind === 'struct' ? this.lookupFieldType(f.id, result.name, f.name) ?? ERROR : ERROR;
      let vt = this.typeOf(f.value);
      if (f.optional) {
        if (isOptionalType(vt)) vt = vt.params[0];
        else if (vt.kind !== 'dyn') this.report(f.value.id, `expected type '${formatType(optionalOf(vt))}' but found '${formatType(vt)}'`);
      }
      if (!this.assignable(ft, vt)) {
        this.report(f.id, `expected type of field '${f.name}' is '${formatType(ft)}' but provided type is '${formatType(vt)}'`);
      }
    }
  }

  private checkComprehension(e: Extract<Expr, { kind: 'comprehension' }>): void {
    this.check(e.iterRange);
    this.check(e.accuInit);
    const rangeType = substitute(this.mapping, this.typeOf(e.iterRange), false);
    const accuType = this.typeOf(e.accuInit);
    this.scopes.push(new Map([[e.accuVar, accuType]]));
    let varType: CelType;
    let var2Type: CelType | undefined;
    switch (rangeType.kind) {
      case 'list':
        varType = rangeType.params[0];
        if (e.iterVar2 !== undefined) [varType, var2Type] = [INT, varType];
        break;
      case 'map':
        varType = rangeType.params[0];
        if (e.iterVar2 !== undefined) var2Type = rangeType.params[1];
        break;
      case 'dyn': case 'any': case 'error': case 'typeparam':
        this.assignable(DYN, rangeType);
        varType = DYN;
        if (e.iterVar2 !== undefined) var2Type = DYN;
        break;
      default:
        this.report(e.iterRange.id, `expression of type '${formatType(rangeType)}' cannot be range of a comprehension (must be list, map, or dynamic)`);
        varType = ERROR;
        if (e.iterVar2 !== undefined) var2Type = ERROR;
    }
    const loop = new Map([[e.iterVar, varType]]);
    if (e.iterVar2 !== undefined) loop.set(e.iterVar2, var2Type!);
    this.scopes.push(loop);
    this.check(e.loopCondition);
    this.assertType(e.loopCondition, BOOL);
    this.check(e.loopStep);
    this.assertType(e.loopStep, accuType);
    this.scopes.pop();
    this.check(e.result);
    this.scopes.pop();
    this.setType(e, substitute(this.mapping, this.typeOf(e.result), false));
  }

  private assertType(e: Expr, t: CelType): void {
    if (!this.assignable(t, this.typeOf(e))) this.report(e.id, `expected type '${formatType(t)}' but found '${formatType(this.typeOf(e))}'`);
  }

  finish(): void {
    for (const [id, t] of this.types) this.types.set(id, substitute(this.mapping, t, true));
  }
}

/** Type-checks the parsed expression in place (qualified names and namespaced calls are rewritten). */
export function check(expr: Expr, env: CheckEnv, source: Source, info: SourceInfo): CheckResult {
  const c = new Checker(env, source, info);
  c.check(expr);
  c.finish();
  return { types: c.types, refs: c.refs, issues: c.issues };
}

export { opaque };
