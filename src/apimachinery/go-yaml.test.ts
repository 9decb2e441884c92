import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goYAML } from './go-yaml.js';

test('map keys in go-yaml order: digit runs by value, other characters before letters', () => {
  assert.equal(goYAML({ b: 1, a10: 2, a9: 3, 'a-b': 4, A: 5, _x: 6 }), '_x: 6\nA: 5\na-b: 4\na9: 3\na10: 2\nb: 1\n');
});

test('strings quoted only where go-yaml would read them back as something else or cannot write them plain', () => {
  const cases: [string, string][] = [
    ['web', 'web'],
    ['', '""'],
    ['123', '"123"'],
    ['0755', '"0755"'],
    ['1.5', '"1.5"'],
    ['.5', '".5"'],
    ['1_000', '"1_000"'],
    ['0x1F', '"0x1F"'],
    ['yes', '"yes"'],
    ['on', '"on"'],
    ['~', '"~"'],
    ['2024-01-01', '"2024-01-01"'],
    ['2024-01-02T03:04:05Z', '"2024-01-02T03:04:05Z"'],
    ['2024-13-01', '2024-13-01'],
    ['1:20', '"1:20"'],
    ['8080:80', '8080:80'],
    ['10.0.0.1', '10.0.0.1'],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    [' x', "' x'"],
    ['-', "'-'"],
    ['*x', "'*x'"],
    ["it's", "it's"],
    ["'q'", "'''q'''"],
    ['a\tb', '"a\\tb"'],
    ['x\u{1F600}', '"x\\U0001F600"'],
    ['h\u00e9llo', 'h\u00e9llo'],
    ['a\r\nb', '"a\\r\\nb"'],
  ];
  for (const [s, want] of cases) assert.equal(goYAML({ k: s }), `k: ${want}\n`, JSON.stringify(s));
});

test('multi-line strings as literal blocks with go-yaml chomping; keys that read as booleans quoted', () => {
  assert.equal(goYAML({ a: 'l1\nl2\n', b: 'x\ny', c: 'k\n\n', n: 1 }), 'a: |\n  l1\n  l2\nb: |-\n  x\n  y\nc: |+\n  k\n\n"n": 1\n');
  assert.equal(goYAML({ a: 'trailing \nspace' }), 'a: "trailing \\nspace"\n');
});

test('sequences sit at their key, empty collections in flow style, long text folded past 80 columns', () => {
  assert.equal(goYAML({ l: [1, 'x', [], {}, [2, 3], { a: 1, b: [4] }] }), 'l:\n- 1\n- x\n- []\n- {}\n- - 2\n  - 3\n- a: 1\n  b:\n  - 4\n');
  const words = Array(30).fill('word').join(' ');
  assert.equal(goYAML({ d: words }), `d: ${Array(16).fill('word').join(' ')}\n  ${Array(14).fill('word').join(' ')}\n`);
  assert.equal(goYAML({ d: `true ${words}` }), `d: true ${Array(15).fill('word').join(' ')}\n  ${Array(15).fill('word').join(' ')}\n`);
  assert.equal(goYAML({ d: `${words}\tx` }), `d: "${Array(16).fill('word').join(' ')}\n  ${Array(14).fill('word').join(' ')}\\tx"\n`);
});

test('numbers as go-yaml prints the decoded JSON; a key over 128 bytes as a complex key', () => {
  assert.equal(goYAML({ i: 5, f: 2.5, big: 1234567.5, small: 0.00001, z: null, t: true }), 'big: 1.2345675e+06\nf: 2.5\ni: 5\nsmall: 1e-05\nt: true\nz: null\n');
  const k = 'k'.repeat(129);
  assert.equal(goYAML({ [k]: 'v' }), `? ${k}\n: v\n`);
});
