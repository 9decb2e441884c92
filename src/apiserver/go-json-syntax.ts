// The syntax error Go's encoding/json reports for a body before decoding anything, in its words
// (`invalid character 'k' looking for beginning of value`, `unexpected end of JSON input`).

type Step = (c: number) => string | undefined;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's quoteChar: the byte as a rune, quoted as strconv.Quote does, in single quotes. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return '\'"\'';
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // C1 controls, no-break space and soft hyphen are not printable runes
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

const OBJECT_KEY = 0;
const OBJECT_VALUE = 1;
const ARRAY_VALUE = 2;

/** Undefined when `data` is valid JSON; otherwise the message of Go's SyntaxError for it. */
export function goJSONSyntaxError(data: Uint8Array): string | undefined {
  const stack: number[] = [];
  let endTop = false;
  let step: Step;
  const bad = (c: number, context: string): string => `invalid character ${quoteChar(c)} ${context}`;
  const literal = (rest: string, word: string, i = 0): Step => (c) => {
    if (c !== rest.charCodeAt(i)) return bad(c, `in literal ${word} (expecting '${rest[i]}')`);
    step = i + 1 < rest.length ? literal(rest, word, i + 1) : endValue;
    return undefined;
  };
  const pop = (): void => {
    stack.pop();
    if (stack.length === 0) {
      step = endTop_;
      endTop = true;
    } else step = endValue;
  };
  const beginValue: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c === 0x7b) {
      stack.push(OBJECT_KEY);
      step = beginStringOrEmpty;
    } else if (c === 0x5b) {
      stack.push(ARRAY_VALUE);
      step = beginValueOrEmpty;
    } else if (c === 0x22) step = inString;
    else if (c === 0x2d) step = neg;
    else if (c === 0x30) step = zero;
    else if (c > 0x30 && c <= 0x39) step = one;
    else if (c === 0x74) step = literal('rue', 'true');
    else if (c === 0x66) step = literal('alse', 'false');
    else if (c === 0x6e) step = literal('ull', 'null');
    else return bad(c, 'looking for beginning of value');
    return undefined;
  };
  const beginValueOrEmpty: Step = (c) => (isSpace(c) ? undefined : c === 0x5d ? endValue(c) : beginValue(c));
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c === 0x7d) {
      stack[stack.length - 1] = OBJECT_VALUE;
      return endValue(c);
    }
    return beginString(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c !== 0x22) return bad(c, 'looking for beginning of object key string');
    step = inString;
    return undefined;
  };
  const endValue: Step = (c) => {
    if (stack.length === 0) {
      step = endTop_;
      endTop = true;
      return endTop_(c);
    }
    if (isSpace(c)) {
      step = endValue;
      return undefined;
    }
    const top = stack[stack.length - 1];
    if (top === OBJECT_KEY) {
      if (c !== 0x3a) return bad(c, 'after object key');
      stack[stack.length - 1] = OBJECT_VALUE;
      step = beginValue;
    } else if (top === OBJECT_VALUE) {
      if (c === 0x2c) {
        stack[stack.length - 1] = OBJECT_KEY;
        step = beginString;
      } else if (c === 0x7d) pop();
      else return bad(c, 'after object key:value pair');
    } else if (c === 0x2c) step = beginValue;
    else if (c === 0x5d) pop();
    else return bad(c, 'after array element');
    return undefined;
  };
  const endTop_: Step = (c) => (isSpace(c) ? undefined : bad(c, 'after top-level value'));
  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) return bad(c, 'in string literal');
    return undefined;
  };
  const escU = (left: number): Step => (c) => {
    if (!isHex(c)) return bad(c, 'in \\u hexadecimal character escape');
    step = left > 1 ? escU(left - 1) : inString;
    return undefined;
  };
  const inStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) step = inString;
    else if (c === 0x75) step = escU(4);
    else return bad(c, 'in string escape code');
    return undefined;
  };
  const neg: Step = (c) => {
    if (c === 0x30) step = zero;
    else if (c > 0x30 && c <= 0x39) step = one;
    else return bad(c, 'in numeric literal');
    return undefined;
  };
  const one: Step = (c) => (isDigit(c) ? undefined : zero(c));
  const zero: Step = (c) => {
    if (c === 0x2e) step = dot;
    else if (c === 0x65 || c === 0x45) step = exp;
    else return endValue(c);
    return undefined;
  };
  const dot: Step = (c) => {
    if (!isDigit(c)) return bad(c, 'after decimal point in numeric literal');
    step = dot0;
    return undefined;
  };
  const dot0: Step = (c) => {
    if (isDigit(c)) return undefined;
    if (c === 0x65 || c === 0x45) {
      step = exp;
      return undefined;
    }
    return endValue(c);
  };
  const exp: Step = (c) => {
    if (c === 0x2b || c === 0x2d) {
      step = expSign;
      return undefined;
    }
    return expSign(c);
  };
  const expSign: Step = (c) => {
    if (!isDigit(c)) return bad(c, 'in exponent of numeric literal');
    step = exp0;
    return undefined;
  };
  const exp0: Step = (c) => (isDigit(c) ? undefined : endValue(c));

  step = beginValue;
  for (const c of data) {
    const err = step(c);
    if (err) return err;
  }
  if (endTop) return undefined;
  // as Go's scanner.eof: one more space ends a number, or names what was wrong with the last token
  const err = step(0x20);
  if (err) return err;
  return endTop ? undefined : 'unexpected end of JSON input';
}
