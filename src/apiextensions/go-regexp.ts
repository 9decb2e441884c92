// Go (RE2) regular expressions used from JavaScript: a translation of the syntax both share, and
// regexp.Compile's error text for the common mistakes (`error parsing regexp: <code>: \`<expr>\``).

const cache = new Map<string, RegExp | string>();

function goError(code: string, expr: string): string {
  return `error parsing regexp: ${code}: \`${expr}\``;
}

/** Go-only syntax RE2 rejects that JavaScript would accept (lookarounds, backreferences). */
function re2Only(p: string): string | undefined {
  const look = /\(\?<?[=!]/.exec(p);
  if (look) return goError('invalid or unsupported Perl syntax', look[0]);
  const back = /\\[1-9]/.exec(p);
  if (back) return goError('invalid escape sequence', back[0]);
  return undefined;
}

function translate(p: string): { source: string; flags: string } {
  let flags = '';
  let source = p;
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]) if (f === 'i' || f === 'm' || f === 's') flags += f;
    source = source.slice(lead[0].length);
  }
  // JavaScript has no inline flags: a flag group anywhere applies to the whole pattern (close enough for CRDs)
  source = source.replace(/\(\?([imsU]+)\)/g, (_, f: string) => {
    for (const c of f) if ((c === 'i' || c === 'm' || c === 's') && !flags.includes(c)) flags += c;
    return '';
  });
  source = source.replace(/\(\?([imsU]+):/g, (_, f: string) => {
    for (const c of f) if ((c === 'i' || c === 'm' || c === 's') && !flags.includes(c)) flags += c;
    return '(?:';
  });
  source = source.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$(?![\\s\\S])').replace(/\\A/g, '^');
  return { source, flags };
}

function jsToGoError(p: string, message: string): string {
  if (/Unterminated group/i.test(message)) return goError('missing closing )', p);
  if (/Unmatched '\)'/i.test(message)) return goError('unexpected )', p);
  if (/Unterminated character class/i.test(message)) return goError('missing closing ]', p.slice(p.lastIndexOf('[')));
  if (/Nothing to repeat/i.test(message)) {
    const op = /(^|[(|])([*+?]|\{\d+(,\d*)?\})/.exec(p);
    return goError('missing argument to repetition operator', op ? op[2] : '*');
  }
  if (/Range out of order/i.test(message)) return goError('invalid character class range', p);
  if (/numbers out of order/i.test(message)) return goError('invalid repeat count', p);
  return goError('invalid escape sequence', p);
}

/** The compiled pattern, or the Go error message when Go's regexp.Compile would reject it. */
export function compileGoRegexp(pattern: string): RegExp | string {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let out: RegExp | string;
  const bad = re2Only(pattern);
  if (bad) out = bad;
  else {
    const { source, flags } = translate(pattern);
    try {
      out = new RegExp(source, flags + 'u');
    } catch {
      try {
        out = new RegExp(source, flags);
      } catch (e) {
        out = jsToGoError(pattern, (e as Error).message);
      }
    }
  }
  if (cache.size > 4096) cache.clear();
  cache.set(pattern, out);
  return out;
}
