// Decoding of string, bytes and number literals with cel-go's error messages.
import { CelUint } from './values.js';

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '`': 96, '?': 63,
};

const MAX_INT = (1n << 63n) - 1n;
const MIN_INT = -(1n << 63n);
const MAX_UINT = (1n << 64n) - 1n;

function utf8(cp: number, out: number[]): void {
  out.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
}

const validRune = (v: number) => v >= 0 && v <= 0x10ffff && !(v >= 0xd800 && v <= 0xdfff);

/**
 * The bytes a quoted literal stands for (text includes the quotes and an optional r/R prefix).
 * Strings are UTF-8; the caller decodes them. Throws an Error with cel-go's message.
 */
export function unescapeLiteral(quoted: string, isBytes: boolean): Uint8Array {
  let value = quoted.replace(/\r\n/g, '\n').replace(/\r/g, '\n');
  const fail = (msg = 'unable to unescape string') => {
    throw new Error(msg);
  };
  let raw = false;
  if (value[0] === 'r' || value[0] === 'R') {
    value = value.slice(1);
    raw = true;
  }
  if (value.length >= 6 && (value.startsWith("'''") || value.startsWith('"""'))) value = `"${value.slice(3, -3)}"`;
  const body = Array.from(value.slice(1, -1));
  const out: number[] = [];
  if (raw) {
    for (const c of body) utf8(c.codePointAt(0)!, out);
    return Uint8Array.from(out);
  }
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      utf8(c.codePointAt(0)!, out);
      continue;
    }
    if (i + 1 >= body.length) fail("unable to unescape string, found '\\' as last character");
    const e = body[++i];
    if (e in SIMPLE_ESCAPES) {
      out.push(SIMPLE_ESCAPES[e]);
      continue;
    }
    if ('xXuU'.includes(e)) {
      const n = e === 'x' || e === 'X' ? 2 : e === 'u' ? 4 : 8;
      if (isBytes && n > 2) fail();
      const hex = body.slice(i + 1, i + 1 + n).join('');
      if (hex.length < n || !/^[0-9a-fA-F]+$/.test(hex)) fail();
      const v = parseInt(hex, 16);
      i += n;
      if (isBytes) out.push(v);
      else if (!validRune(v)) fail('invalid unicode code point');
      else utf8(v, out);
      continue;
    }
    if (e >= '0' && e <= '3') {
      const oct = body.slice(i + 1, i + 3).join('');
      if (oct.length < 2 || !/^[0-7]{2}$/.test(oct)) fail('unable to unescape octal sequence in string');
      const v = parseInt(e + oct, 8);
      i += 2;
      if (isBytes) out.push(v);
      else utf8(v, out);
      continue;
    }
    fail();
  }
  return Uint8Array.from(out);
}

/** Go's string([]byte): invalid UTF-8 sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

export function parseIntLiteral(text: string, negative: boolean): bigint | undefined {
  const hex = text.startsWith('0x');
  let v = BigInt(hex ? text : text.replace(/^0+(?=\d)/, ''));
  if (negative) v = -v;
  return v >= MIN_INT && v <= MAX_INT ? v : undefined;
}

export function parseUintLiteral(text: string): CelUint | undefined {
  const v = BigInt(text.slice(0, -1));
  return v <= MAX_UINT ? new CelUint(v) : undefined;
}

export function parseDoubleLiteral(text: string, negative: boolean): number | undefined {
  const v = Number(text);
  if (!Number.isFinite(v)) return undefined;
  return negative ? -v : v;
}
