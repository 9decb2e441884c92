import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJSONSyntaxError } from './go-json-syntax.js';

const err = (s: string | Uint8Array): string | undefined => goJSONSyntaxError(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);

test('valid JSON has no syntax error', () => {
  for (const s of ['{}', ' [ ] ', '{"a":[1,-2.5e+3,0,true,false,null,"x\\u00e9\\n"],"b":{}}', '"s"', '0', '-0.1E9', 'null', '\t{"k" : "v" }\r\n']) {
    assert.equal(err(s), undefined, s);
  }
  assert.equal(err(Buffer.from('{"ü":"€"}', 'utf8')), undefined);
});

test('unterminated input is unexpected end of JSON input', () => {
  for (const s of ['', '   ', '{"preconditions":"x"', '[1,', '{"a"', '"abc', '{"a":{}']) assert.equal(err(s), 'unexpected end of JSON input', s);
});

test('each scanner state names the offending character as Go quotes it', () => {
  const cases: Array<[string, string]> = [
    ['k8s\u0000', "invalid character 'k' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', 'invalid character \'"\' after object key:value pair'],
    ['[1 2]', "invalid character '2' after array element"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['tr', "invalid character ' ' in literal true (expecting 'u')"],
    ['tru ', "invalid character ' ' in literal true (expecting 'e')"],
    ['fals', "invalid character ' ' in literal false (expecting 'e')"],
    ['nul!', "invalid character '!' in literal null (expecting 'l')"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['"a\n"', "invalid character '\\n' in string literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['-a', "invalid character 'a' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['1e+]', "invalid character ']' in exponent of numeric literal"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['\u00ff', "invalid character 'ÿ' looking for beginning of value"],
    ['\u0085', "invalid character '\\u0085' looking for beginning of value"],
    ['\\', "invalid character '\\\\' looking for beginning of value"],
  ];
  for (const [input, want] of cases) assert.equal(err(input), want, JSON.stringify(input));
});
