// Runtime cost of a function call: Kubernetes' library CostEstimator.CallCost first, the sets extension's
// trackers, then cel-go's defaults for the standard library (interpreter/runtimecost.go).
import { actualSize } from './runtime.js';
import { CelError, OpaqueValue, isList, isMap, type Val } from './values.js';

const TRAVERSAL = 0.1;
const REGEX_FACTOR = 0.25;
/** cel.MaxNameFormatRegexSize, the regex size assumed for format validation. */
export const MAX_NAME_FORMAT_REGEX_SIZE = 128;

const ceil = Math.ceil;

/** Cost of walking a value as a data tree (Kubernetes' traversalCost; strings by UTF-8 length). */
function traversalCost(v: Val): number {
  if (typeof v === 'string') return Math.floor(Buffer.byteLength(v) * TRAVERSAL);
  if (v instanceof Uint8Array) return Math.floor(v.length * TRAVERSAL);
  if (isList(v)) {
    let c = 0;
    for (const e of v.values()) c += traversalCost(e);
    return c;
  }
  if (isMap(v)) {
    let c = 0;
    for (const k of v.keys()) c += traversalCost(k) + traversalCost(v.get(k) as Val);
    return c;
  }
  return 1;
}

function selectorCost(len: number): number {
  const parse = ceil(len * TRAVERSAL);
  const requirements = ceil(len * 0.5);
  return 10 + parse + ceil(requirements * (10 + 40));
}

const AUTHZ_ACCESSORS = new Set(['serviceAccount', 'path', 'group', 'resource', 'subresource', 'namespace', 'name', 'allowed', 'reason', 'error', 'errored']);
const NOMINAL = new Set([
  'masked', 'prefixLength', 'family', 'isUnspecified', 'isLoopback', 'isLinkLocalMulticast', 'isLinkLocalUnicast',
  'isGlobalUnicast', 'format.named', 'sign', 'asInteger', 'isInteger', 'asApproximateFloat', 'isGreaterThan',
  'isLessThan', 'compareTo', 'add', 'sub', 'major', 'minor', 'patch', 'getScheme', 'getHostname', 'getHost', 'getPort',
  'getEscapedPath', 'getQuery',
]);

/** Kubernetes library costs (k8s.io/apiserver/pkg/cel/library/cost.go CallCost), undefined when it has none. */
function k8sCallCost(fn: string, overloadId: string, args: Val[], result: Val): number | undefined {
  const size = (i: number) => actualSize(args[i]);
  if (fn === 'check') return 350000;
  if (AUTHZ_ACCESSORS.has(fn)) return 1;
  if (NOMINAL.has(fn)) return 1;
  switch (fn) {
    case 'fieldSelector':
    case 'labelSelector':
      return args.length >= 2 ? selectorCost(size(1)) : undefined;
    case 'isSorted': case 'sum': case 'max': case 'min': case 'indexOf': case 'lastIndexOf':
      return args.length > 0 ? traversalCost(args[0]) : 0;
    case 'url': case 'lowerAscii': case 'upperAscii': case 'substring': case 'trim': case 'jsonpatch.escapeKey':
    case 'cidr': case 'isIP': case 'isCIDR': case 'quantity': case 'isQuantity': case 'semver': case 'isSemver':
      return args.length >= 1 ? ceil(size(0) * TRAVERSAL) : undefined;
    case 'replace': case 'split':
      return args.length >= 1 ? ceil(size(0) * 2 * TRAVERSAL) : undefined;
    case 'join':
      return args.length >= 1 ? ceil(actualSize(result) * 2 * TRAVERSAL) : undefined;
    case 'find': case 'findAll':
      return args.length >= 2 ? ceil((1 + size(0)) * TRAVERSAL) * ceil(size(1) * REGEX_FACTOR) : undefined;
    case 'ip':
      if (args.length < 1) return undefined;
      return overloadId === 'cidr_ip' ? 1 : ceil(size(0) * TRAVERSAL);
    case 'ip.isCanonical':
      return args.length >= 1 ? ceil(size(0) * 2 * TRAVERSAL) : undefined;
    case 'containsIP':
    case 'containsCIDR': {
      if (args.length < 2) return undefined;
      const cidr = size(0);
      let cost = ceil((cidr + cidr) * TRAVERSAL);
      if (fn === 'containsCIDR') cost += ceil(cidr * TRAVERSAL) + 1;
      if (overloadId === 'cidr_contains_ip_string' || overloadId === 'cidr_contains_cidr_string') cost += ceil(size(1) * TRAVERSAL);
      return cost;
    }
    case 'validate':
      if (args.length >= 2 && args[0] instanceof OpaqueValue && args[0].celType.name === 'kubernetes.NamedFormat') {
        return ceil((1 + size(1)) * TRAVERSAL) * ceil(MAX_NAME_FORMAT_REGEX_SIZE * REGEX_FACTOR);
      }
      return undefined;
    case '_==_':
      return args.length === 2 && args[0] instanceof OpaqueValue ? 1 : undefined;
  }
  return undefined;
}

const STRING_PREFIX = new Set(['starts_with_string', 'ends_with_string', 'string_to_bytes', 'bytes_to_string', 'strings_quote', 'string_format']);
const MIN_SIZE = new Set([
  'less_string', 'greater_string', 'less_equals_string', 'greater_equals_string', 'less_bytes', 'greater_bytes',
  'less_equals_bytes', 'greater_equals_bytes', 'equals', 'not_equals',
]);

/** cel-go's CostTracker.costCall. */
export function callCost(fn: string, overloadId: string, args: Val[], result: Val): number {
  if (overloadId === 'list_sets_contains_list' || overloadId === 'list_sets_intersects_list' || overloadId === 'list_sets_equivalent_list') {
    const factor = overloadId === 'list_sets_equivalent_list' ? 2 : 1;
    return 1 + Math.floor(actualSize(args[0]) * actualSize(args[1]) * factor);
  }
  const k8s = k8sCallCost(fn, overloadId, args, result);
  if (k8s !== undefined) return k8s;
  const size = (i: number) => actualSize(args[i]);
  if (STRING_PREFIX.has(overloadId)) return ceil(size(0) * TRAVERSAL);
  if (overloadId === 'in_list') return size(1);
  if (MIN_SIZE.has(overloadId)) return ceil(Math.min(size(0), size(1)) * TRAVERSAL);
  if (overloadId === 'add_string' || overloadId === 'add_bytes') return ceil((size(0) + size(1)) * TRAVERSAL);
  if (overloadId === 'matches_string') return ceil((1 + size(0)) * TRAVERSAL) * ceil(size(1) * REGEX_FACTOR);
  if (overloadId === 'contains_string') return ceil(size(0) * TRAVERSAL) * ceil(size(1) * TRAVERSAL);
  return 1;
}

export { CelError };
