// Kubernetes IP and CIDR libraries on a port of Go's net/netip parsing and formatting.
import { fn, memberOverload, overload, type FunctionDecl, type Impl } from './decls.js';
import { goQuote } from './string-format.js';
import { BOOL, INT, STRING, opaque } from './types.js';
import { CelError, OpaqueValue, type Val } from './values.js';

export const IP_TYPE = opaque('net.IP');
export const CIDR_TYPE = opaque('net.CIDR');

/** An address as 4 or 16 bytes, with an optional IPv6 zone. */
interface Addr {
  bytes: number[];
  zone: string;
}

class AddrError extends Error {}

function addrError(input: string, msg: string, at?: string): AddrError {
  return new AddrError(`ParseAddr(${goQuote(input)}): ${msg}${at ? ` (at ${goQuote(at)})` : ''}`);
}

function parseIPv4(s: string, input = s): Addr {
  const fields: number[] = [];
  let val = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c >= '0' && c <= '9') {
      if (digits === 1 && val === 0) throw addrError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + Number(c);
      digits++;
      if (val > 255) throw addrError(input, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') throw addrError(input, 'IPv4 field must have at least one digit', s.slice(i));
      if (fields.length === 3) throw addrError(input, 'IPv4 address too long');
      fields.push(val);
      val = 0;
      digits = 0;
    } else throw addrError(input, 'unexpected character', s.slice(i));
  }
  if (fields.length < 3) throw addrError(input, 'IPv4 address too short');
  fields.push(val);
  return { bytes: fields, zone: '' };
}

function parseIPv6(input: string): Addr {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') throw addrError(input, 'zone must be a non-empty string');
  }
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { bytes: ip, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const d = parseInt(s[off], 16);
      if (Number.isNaN(d) || !/[0-9a-fA-F]/.test(s[off])) break;
      acc = acc * 16 + d;
      if (acc > 0xffff) throw addrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) throw addrError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) throw addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (i + 4 > 16) throw addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      let v4: Addr;
      try {
        v4 = parseIPv4(s);
      } catch (e) {
        throw addrError(input, (e as Error).message, s);
      }
      ip.splice(i, 4, ...v4.bytes);
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s === '') break;
    if (s[0] !== ':') throw addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw addrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') throw addrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw addrError(input, 'address string too short');
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j];
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) throw addrError(input, 'the :: must expand to at least one field of zeros');
  return { bytes: ip, zone };
}

/** Go's netip.ParseAddr. */
export function parseAddr(s: string): Addr {
  for (const c of s) {
    if (c === '.') return parseIPv4(s);
    if (c === ':') return parseIPv6(s);
    if (c === '%') throw addrError(s, 'missing IPv6 address');
  }
  throw addrError(s, 'unable to parse IP');
}

const is4 = (a: Addr) => a.bytes.length === 4;
const is4In6 = (a: Addr) => !is4(a) && a.bytes.slice(0, 10).every((b) => b === 0) && a.bytes[10] === 0xff && a.bytes[11] === 0xff;

export function addrString(a: Addr): string {
  if (is4(a)) return a.bytes.join('.');
  if (is4In6(a)) return `::ffff:${a.bytes.slice(12).join('.')}`;
  const words = Array.from({ length: 8 }, (_, k) => (a.bytes[2 * k] << 8) | a.bytes[2 * k + 1]);
  let zs = -1;
  let ze = -1;
  for (let k = 0; k < 8; k++) {
    let j = k;
    while (j < 8 && words[j] === 0) j++;
    if (j - k >= 2 && j - k > ze - zs) [zs, ze] = [k, j];
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === zs) {
      out += '::';
      k = ze;
      if (k >= 8) break;
    } else if (k > 0) out += ':';
    out += words[k].toString(16);
  }
  return a.zone ? `${out}%${a.zone}` : out;
}

/** The library's parseIPAddr: no zones, no IPv4-mapped IPv6. */
function parseIp(raw: string): Addr | CelError {
  let a: Addr;
  try {
    a = parseAddr(raw);
  } catch (e) {
    if (!(e instanceof AddrError)) throw e;
    return new CelError(`IP Address ${goQuote(raw)} parse error during conversion from string: ${e.message}`);
  }
  if (a.zone) return new CelError(`IP address ${goQuote(raw)} with zone value is not allowed`);
  if (is4In6(a)) return new CelError(`IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  return a;
}

export class IpValue extends OpaqueValue {
  readonly celType = IP_TYPE;
  constructor(readonly addr: Addr) {
    super();
  }
  override equals(other: Val): boolean {
    return other instanceof IpValue && addrString(other.addr) === addrString(this.addr);
  }
  override size(): number {
    return this.addr.bytes.length;
  }
  override toString(): string {
    return addrString(this.addr);
  }
}

function mask(bytes: number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

export class CidrValue extends OpaqueValue {
  readonly celType = CIDR_TYPE;
  constructor(readonly addr: Addr, readonly bits: number) {
    super();
  }
  override equals(other: Val): boolean {
    return other instanceof CidrValue && other.bits === this.bits && addrString(other.addr) === addrString(this.addr);
  }
  override size(): number {
    return Math.ceil(this.bits / 8);
  }
  override toString(): string {
    return `${addrString(this.addr)}/${this.bits}`;
  }
  contains(a: Addr): boolean {
    if (a.zone || a.bytes.length !== this.addr.bytes.length) return false;
    const m1 = mask(a.bytes, this.bits);
    const m2 = mask(this.addr.bytes, this.bits);
    return m1.every((b, i) => b === m2[i]);
  }
  overlaps(o: CidrValue): boolean {
    if (is4(this.addr) !== is4(o.addr)) return false;
    const min = Math.min(this.bits, o.bits);
    if (min === 0) return true;
    const a = mask(this.addr.bytes, min);
    const b = mask(o.addr.bytes, min);
    return a.every((x, i) => x === b[i]);
  }
}

function parseCidr(raw: string): CidrValue | CelError {
  const wrap = (m: string) => new CelError(`network address parse error during conversion from string: network address parse error during conversion from string: ${m}`);
  const slash = raw.lastIndexOf('/');
  const head = `netip.ParsePrefix(${goQuote(raw)})`;
  if (slash < 0) return wrap(`${head}: no '/'`);
  let a: Addr;
  try {
    a = parseAddr(raw.slice(0, slash));
  } catch (e) {
    if (!(e instanceof AddrError)) throw e;
    return wrap(`${head}: ${e.message}`);
  }
  if (!is4(a) && a.zone) return wrap(`${head}: IPv6 zones cannot be present in a prefix`);
  const bitsStr = raw.slice(slash + 1);
  if (!/^[0-9]+$/.test(bitsStr) || (bitsStr.length > 1 && bitsStr[0] === '0')) return wrap(`${head}: bad bits after slash: ${goQuote(bitsStr)}`);
  const bits = Number(bitsStr);
  if (bits > (is4(a) ? 32 : 128)) return wrap(`${head}: prefix length out of range`);
  if (is4In6(a)) return new CelError(`network address parse error during conversion from string: IPv4-mapped IPv6 address ${goQuote(raw)} is not allowed`);
  return new CidrValue(a, bits);
}

const ip = (f: (a: IpValue) => Val): Impl => ([v]) => (v instanceof IpValue ? f(v) : new CelError('no such overload'));
const cidr = (f: (c: CidrValue, x: Val) => Val): Impl => ([c, x]) => (c instanceof CidrValue ? f(c, x) : new CelError('no such overload'));
const isSpecial = (a: Addr, v4: (b: number[]) => boolean, v6: (b: number[]) => boolean) => (is4(a) ? v4(a.bytes) : v6(a.bytes));

const loopback = (a: Addr) => isSpecial(a, (b) => b[0] === 127, (b) => b.slice(0, 15).every((x) => x === 0) && b[15] === 1);
const multicast = (a: Addr) => isSpecial(a, (b) => (b[0] & 0xf0) === 0xe0, (b) => b[0] === 0xff);
const linkLocalUnicast = (a: Addr) => isSpecial(a, (b) => b[0] === 169 && b[1] === 254, (b) => b[0] === 0xfe && (b[1] & 0xc0) === 0x80);
const unspecified = (a: Addr) => a.bytes.every((b) => b === 0);

export const IP_LIBRARY: FunctionDecl[] = [
  fn('ip', [overload('string_to_ip', [STRING], IP_TYPE, ([s]) => {
    const a = parseIp(s as string);
    return a instanceof CelError ? a : new IpValue(a);
  })]),
  fn('family', [memberOverload('ip_family', [IP_TYPE], INT, ip((v) => (is4(v.addr) ? 4n : 6n)))]),
  fn('ip.isCanonical', [overload('ip_is_canonical', [STRING], BOOL, ([s]) => {
    const a = parseIp(s as string);
    return a instanceof CelError ? a : addrString(a) === s;
  })]),
  fn('isUnspecified', [memberOverload('ip_is_unspecified', [IP_TYPE], BOOL, ip((v) => unspecified(v.addr)))]),
  fn('isLoopback', [memberOverload('ip_is_loopback', [IP_TYPE], BOOL, ip((v) => loopback(v.addr)))]),
  fn('isLinkLocalMulticast', [memberOverload('ip_is_link_local_multicast', [IP_TYPE], BOOL, ip((v) =>
    isSpecial(v.addr, (b) => b[0] === 224 && b[1] === 0 && b[2] === 0, (b) => b[0] === 0xff && (b[1] & 0x0f) === 0x02)))]),
  fn('isLinkLocalUnicast', [memberOverload('ip_is_link_local_unicast', [IP_TYPE], BOOL, ip((v) => linkLocalUnicast(v.addr)))]),
  fn('isGlobalUnicast', [memberOverload('ip_is_global_unicast', [IP_TYPE], BOOL, ip((v) => {
    const a = v.addr;
    if (is4(a) && (unspecified(a) || a.bytes.every((b) => b === 255))) return false;
    return !unspecified(a) && !loopback(a) && !multicast(a) && !linkLocalUnicast(a);
  }))]),
  fn('isIP', [overload('is_ip', [STRING], BOOL, ([s]) => !(parseIp(s as string) instanceof CelError))]),
  fn('string', [overload('ip_to_string', [IP_TYPE], STRING, ip((v) => v.toString()))]),
];

export const CIDR_LIBRARY: FunctionDecl[] = [
  fn('cidr', [overload('string_to_cidr', [STRING], CIDR_TYPE, ([s]) => parseCidr(s as string))]),
  fn('containsIP', [
    memberOverload('cidr_contains_ip_string', [CIDR_TYPE, STRING], BOOL, cidr((c, x) => {
      const a = parseIp(x as string);
      return a instanceof CelError ? a : c.contains(a);
    })),
    memberOverload('cidr_contains_ip_ip', [CIDR_TYPE, IP_TYPE], BOOL, cidr((c, x) => (x instanceof IpValue ? c.contains(x.addr) : new CelError('no such overload')))),
  ]),
  fn('containsCIDR', [
    memberOverload('cidr_contains_cidr_string', [CIDR_TYPE, STRING], BOOL, cidr((c, x) => {
      const o = parseCidr(x as string);
      return o instanceof CelError ? o : c.overlaps(o) && c.bits <= o.bits;
    })),
    memberOverload('cidr_contains_cidr', [CIDR_TYPE, CIDR_TYPE], BOOL, cidr((c, x) => (x instanceof CidrValue ? c.overlaps(x) && c.bits <= x.bits : new CelError('no such overload')))),
  ]),
  fn('ip', [memberOverload('cidr_ip', [CIDR_TYPE], IP_TYPE, cidr((c) => new IpValue(c.addr)))]),
  fn('prefixLength', [memberOverload('cidr_prefix_length', [CIDR_TYPE], INT, cidr((c) => BigInt(c.bits)))]),
  fn('masked', [memberOverload('cidr_masked', [CIDR_TYPE], CIDR_TYPE, cidr((c) => new CidrValue({ bytes: mask(c.addr.bytes, c.bits), zone: '' }, c.bits)))]),
  fn('isCIDR', [overload('is_cidr', [STRING], BOOL, ([s]) => !(parseCidr(s as string) instanceof CelError))]),
  fn('string', [overload('cidr_to_string', [CIDR_TYPE], STRING, cidr((c) => c.toString()))]),
];
