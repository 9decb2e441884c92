// Kubernetes library cost estimates (k8s.io/apiserver/pkg/cel/library/cost.go EstimateCallCost).
import type { Expr } from './ast.js';
import { MAX_NAME_FORMAT_REGEX_SIZE } from './cost-runtime.js';
import { add, addSat, factor, MAX_U64, mul, range, union, UNKNOWN, type Range } from './cost-range.js';
import type { CelType } from './types.js';

export interface AstNode {
  path?: string[];
  type?: CelType;
  expr?: Expr;
  computedSize?: Range;
  estimateSize: (path: string[] | undefined) => Range | undefined;
}

const TRAVERSAL = 0.1;
const REGEX_FACTOR = 0.25;
const FIXED = (n: bigint) => ({ cost: range(n) });

function size(n: AstNode): Range {
  return n.computedSize ?? n.estimateSize(n.path) ?? UNKNOWN;
}

function elementNode(list: AstNode): AstNode | undefined {
  const elem = list.type?.params[0];
  if (!elem) return undefined;
  return { path: list.path ? [...list.path, '@items'] : undefined, type: elem, estimateSize: list.estimateSize };
}

function selectorCost(len: Range): Range {
  const parse = factor(len, TRAVERSAL);
  const requirements = factor(len, 0.5);
  return add(add(range(10n), parse), factor(requirements, 50));
}

const NOMINAL = new Set([
  'serviceAccount', 'path', 'group', 'resource', 'subresource', 'namespace', 'name', 'allowed', 'reason', 'error', 'errored',
  'masked', 'prefixLength', 'family', 'isUnspecified', 'isLoopback', 'isLinkLocalMulticast', 'isLinkLocalUnicast',
  'isGlobalUnicast', 'format.named', 'sign', 'asInteger', 'isInteger', 'asApproximateFloat', 'isGreaterThan', 'isLessThan',
  'compareTo', 'add', 'sub', 'major', 'minor', 'patch', 'getScheme', 'getHostname', 'getHost', 'getPort', 'getEscapedPath', 'getQuery',
]);

const O1_EQUALITY = new Set([
  'kubernetes.Quantity', 'kubernetes.authorization.Authorizer', 'kubernetes.authorization.PathCheck', 'kubernetes.authorization.GroupCheck',
  'kubernetes.authorization.ResourceCheck', 'kubernetes.authorization.Decision', 'kubernetes.Semver',
]);

/** Estimated cost (without argument costs) and result size of a library call, or undefined when it has none. */
export function estimateCallCost(fn: string, overloadId: string, target: AstNode | undefined, args: AstNode[]): { cost: Range; resultSize?: Range } | undefined {
  if (fn === 'check') return FIXED(350000n);
  if (NOMINAL.has(fn)) return FIXED(1n);
  switch (fn) {
    case 'fieldSelector':
    case 'labelSelector':
      return args.length === 1 ? { cost: selectorCost(size(args[0])) } : undefined;
    case 'isSorted': case 'sum': case 'max': case 'min': case 'indexOf': case 'lastIndexOf': {
      if (!target) return undefined;
      const el = elementNode(target);
      if (el) {
        let elCost = range(1n);
        const k = el.type?.kind;
        if (k === 'string' || k === 'bytes') elCost = add(elCost, factor(size(el), TRAVERSAL));
        return { cost: mul(size(target), elCost) };
      }
      return { cost: factor(size(target), TRAVERSAL) };
    }
    case 'url':
    case 'jsonpatch.escapeKey':
      if (args.length === 1) {
        const sz = size(args[0]);
        return { cost: factor(sz, TRAVERSAL), resultSize: sz };
      }
      return undefined;
    case 'lowerAscii': case 'upperAscii': case 'substring': case 'trim':
      if (target) {
        const sz = size(target);
        return { cost: factor(sz, TRAVERSAL), resultSize: sz };
      }
      return undefined;
    case 'replace':
      if (target && args.length >= 2) return replaceEstimate(size(target), size(args[0]), size(args[1]));
      return undefined;
    case 'split':
      if (target) {
        const sz = size(target);
        let max = sz.max;
        const limit = args[1]?.expr;
        if (limit?.kind === 'literal' && typeof limit.value === 'bigint') max = BigInt.asUintN(64, limit.value);
        return { cost: factor(sz, 2 * TRAVERSAL), resultSize: { min: 0n, max } };
      }
      return undefined;
    case 'join':
      if (target) {
        let sz = range(0n);
        const listSize = size(target);
        const el = elementNode(target);
        if (el) sz = mul(listSize, size(el));
        if (args.length > 0) {
          const sep = size(args[0]);
          const seps = { min: listSize.min > 0n ? listSize.min - 1n : 0n, max: listSize.max > 0n ? listSize.max - 1n : 0n };
          sz = add(sz, mul(sep, seps));
        }
        return { cost: factor(sz, TRAVERSAL), resultSize: sz };
      }
      return undefined;
    case 'find':
    case 'findAll':
      if (target && args.length >= 1) {
        const sz = size(target);
        const str = factor(add(sz, range(1n)), TRAVERSAL);
        return { cost: mul(str, factor(size(args[0]), REGEX_FACTOR)), resultSize: { min: 0n, max: sz.max } };
      }
      return undefined;
    case 'cidr': case 'isIP': case 'isCIDR': case 'quantity': case 'isQuantity': case 'semver': case 'isSemver':
      return target ? { cost: factor(size(args[0]), TRAVERSAL) } : undefined;
    case 'ip':
      if (target && args.length >= 1) return overloadId === 'cidr_ip' ? FIXED(1n) : { cost: factor(size(args[0]), TRAVERSAL) };
      return target ? FIXED(1n) : undefined;
    case 'ip.isCanonical':
      return target && args.length >= 1 ? { cost: factor(size(args[0]), 2 * TRAVERSAL) } : undefined;
    case 'containsIP':
    case 'containsCIDR': {
      if (!target || args.length < 1) return undefined;
      const sz = { min: 4n, max: 16n };
      let c = factor(add(sz, sz), TRAVERSAL);
      if (fn === 'containsCIDR') c = add(add(c, factor(sz, TRAVERSAL)), range(1n));
      if (overloadId === 'cidr_contains_ip_string' || overloadId === 'cidr_contains_cidr_string') c = add(c, factor(size(args[0]), TRAVERSAL));
      return { cost: c };
    }
    case 'validate':
      return target ? { cost: factor(factor(size(args[0]), TRAVERSAL), MAX_NAME_FORMAT_REGEX_SIZE * REGEX_FACTOR) } : undefined;
    case '_==_': {
      if (args.length !== 2) return undefined;
      const [l, r] = args;
      if (!l.type || !r.type || l.type.name !== r.type.name || l.type.kind !== r.type.kind) return undefined;
      const t = l.type;
      if (t.kind === 'opaque' && (t.name === 'net.IP' || t.name === 'net.CIDR')) return FIXED(1n);
      if (t.kind === 'struct') {
        if (O1_EQUALITY.has(t.name)) return FIXED(1n);
        if (t.name === 'kubernetes.NamedFormat') return { cost: factor({ min: 1n, max: 64n }, TRAVERSAL) };
        if (t.name === 'kubernetes.URL') {
          let sz = range(1n);
          const rs = r.computedSize;
          if (rs) sz = union(rs, rs);
          return { cost: factor({ min: 1n, max: sz.max }, TRAVERSAL) };
        }
      }
      return undefined;
    }
  }
  return undefined;
}

function replaceEstimate(sz: Range, toReplace: Range, replaceWith: Range): { cost: Range; resultSize: Range } {
  const count = { min: 0n, max: 0n };
  const retained = { min: 0n, max: 0n };
  const ceilDiv = (a: bigint, b: bigint) => {
    const q = Math.ceil(Number(a) / Number(b));
    return q >= 2 ** 64 ? MAX_U64 : BigInt(q);
  };
  if (toReplace.min === 0n) {
    count.max = addSat(sz.max, 1n);
    retained.max = sz.max;
  } else if (replaceWith.max <= toReplace.min) {
    count.max = 0n;
    retained.max = sz.max;
  } else count.max = ceilDiv(sz.max, toReplace.min);
  if (toReplace.max === 0n) {
    count.min = addSat(sz.min, 1n);
    retained.min = sz.min;
  } else if (toReplace.max <= replaceWith.min) {
    count.min = 0n;
    retained.min = sz.min;
  } else count.min = ceilDiv(sz.min, toReplace.max);
  const result = add(mul(count, replaceWith), retained);
  return { cost: factor(sz, 2 * TRAVERSAL), resultSize: result };
}

