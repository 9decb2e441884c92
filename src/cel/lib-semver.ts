// Kubernetes semver library (1.33, version 1) on a port of blang/semver v4 parsing and ordering.
import { fn, memberOverload, overload, type FunctionDecl, type Impl } from './decls.js';
import { goQuote } from './string-format.js';
import { BOOL, INT, STRING, structType } from './types.js';
import { CelError, OpaqueValue, type Val } from './values.js';

export const SEMVER_TYPE = structType('kubernetes.Semver');

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: (bigint | string)[];
  build: string[];
}

const MAX_UINT64 = (1n << 64n) - 1n;
const NUMBERS = /^[0-9]*$/;
const ALPHANUM = /^[A-Za-z0-9-]*$/;
const leadingZero = (s: string) => s.length > 1 && s[0] === '0';

function parseUint(s: string): bigint {
  if (!/^[0-9]+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > MAX_UINT64) throw new Error(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return v;
}

function numberPart(s: string, what: string): bigint {
  if (!NUMBERS.test(s)) throw new Error(`Invalid character(s) found in ${what.toLowerCase()} number ${goQuote(s)}`);
  if (leadingZero(s)) throw new Error(`${what} number must not contain leading zeroes ${goQuote(s)}`);
  return parseUint(s);
}

/** semver.Parse. */
export function parseSemver(s: string): Version {
  if (s.length === 0) throw new Error('Version string empty');
  const parts = splitN(s, '.', 3);
  if (parts.length !== 3) throw new Error('No Major.Minor.Patch elements found');
  const major = numberPart(parts[0], 'Major');
  const minor = numberPart(parts[1], 'Minor');
  let patchStr = parts[2];
  let build: string[] = [];
  let pre: string[] = [];
  const plus = patchStr.indexOf('+');
  if (plus >= 0) {
    build = patchStr.slice(plus + 1).split('.');
    patchStr = patchStr.slice(0, plus);
  }
  const dash = patchStr.indexOf('-');
  if (dash >= 0) {
    pre = patchStr.slice(dash + 1).split('.');
    patchStr = patchStr.slice(0, dash);
  }
  const patch = numberPart(patchStr, 'Patch');
  const parsedPre = pre.map((p) => {
    if (p.length === 0) throw new Error('Prerelease is empty');
    if (NUMBERS.test(p)) {
      if (leadingZero(p)) throw new Error(`Numeric PreRelease version must not contain leading zeroes ${goQuote(p)}`);
      return parseUint(p);
    }
    if (ALPHANUM.test(p)) return p;
    throw new Error(`Invalid character(s) found in prerelease ${goQuote(p)}`);
  });
  for (const b of build) {
    if (b.length === 0) throw new Error('Build meta data is empty');
    if (!ALPHANUM.test(b)) throw new Error(`Invalid character(s) found in build meta data ${goQuote(b)}`);
  }
  return { major, minor, patch, pre: parsedPre, build };
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  out.push(rest);
  return out;
}

/** The library's normalizeAndParse: strip "v", drop leading zeros, fill missing minor/patch. */
function normalizeAndParse(s: string): Version {
  const parts = splitN(s.startsWith('v') ? s.slice(1) : s, '.', 3).map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, '');
    return t.length === 0 || !/[0-9]/.test(t[0]) ? `0${t}` : t;
  });
  if (parts.length < 3) {
    if (/[+-]/.test(parts[parts.length - 1])) throw new Error('short version cannot contain PreRelease/Build meta data');
    while (parts.length < 3) parts.push('0');
  }
  return parseSemver(parts.join('.'));
}

function cmpNum(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSemver(a: Version, b: Version): number {
  const c = cmpNum(a.major, b.major) || cmpNum(a.minor, b.minor) || cmpNum(a.patch, b.patch);
  if (c) return c;
  if (a.pre.length === 0 && b.pre.length === 0) return 0;
  if (a.pre.length === 0) return 1;
  if (b.pre.length === 0) return -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      if (x !== y) return cmpNum(x, y);
    } else if (typeof x === 'bigint') return -1;
    else if (typeof y === 'bigint') return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return cmpNum(BigInt(a.pre.length), BigInt(b.pre.length));
}

export class SemverValue extends OpaqueValue {
  readonly celType = SEMVER_TYPE;
  constructor(readonly v: Version) {
    super();
  }
  override equals(other: Val): boolean {
    return other instanceof SemverValue && compareSemver(this.v, other.v) === 0;
  }
}

function toSemver(s: string, normalize: boolean): Val {
  try {
    return new SemverValue(normalize ? normalizeAndParse(s) : parseSemver(s));
  } catch (e) {
    return new CelError((e as Error).message);
  }
}

const sv = (f: (a: Version, b: Val) => Val): Impl => ([a, b]) => (a instanceof SemverValue ? f(a.v, b) : new CelError('no such overload'));
const sv2 = (f: (a: Version, b: Version) => Val): Impl => sv((a, b) => (b instanceof SemverValue ? f(a, b.v) : new CelError('no such overload')));

export const SEMVER_LIBRARY: FunctionDecl[] = [
  fn('semver', [
    overload('string_to_semver', [STRING], SEMVER_TYPE, ([s]) => toSemver(s as string, false)),
    overload('string_bool_to_semver', [STRING, BOOL], SEMVER_TYPE, ([s, n]) => toSemver(s as string, n as boolean)),
  ]),
  fn('isSemver', [
    overload('is_semver_string', [STRING], BOOL, ([s]) => !(toSemver(s as string, false) instanceof CelError)),
    overload('is_semver_string_bool', [STRING, BOOL], BOOL, ([s, n]) => !(toSemver(s as string, n as boolean) instanceof CelError)),
  ]),
  fn('isGreaterThan', [memberOverload('semver_is_greater_than', [SEMVER_TYPE, SEMVER_TYPE], BOOL, sv2((a, b) => compareSemver(a, b) === 1))]),
  fn('isLessThan', [memberOverload('semver_is_less_than', [SEMVER_TYPE, SEMVER_TYPE], BOOL, sv2((a, b) => compareSemver(a, b) === -1))]),
  fn('compareTo', [memberOverload('semver_compare_to', [SEMVER_TYPE, SEMVER_TYPE], INT, sv2((a, b) => BigInt(compareSemver(a, b))))]),
  fn('major', [memberOverload('semver_major', [SEMVER_TYPE], INT, sv((a) => a.major))]),
  fn('minor', [memberOverload('semver_minor', [SEMVER_TYPE], INT, sv((a) => a.minor))]),
  fn('patch', [memberOverload('semver_patch', [SEMVER_TYPE], INT, sv((a) => a.patch))]),
];
