import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from './compile.js';
import { evaluate } from './evaluate.js';

function run(expression: string): unknown {
  const r = compile(expression);
  assert.equal(r.error, undefined);
  const v = evaluate(r.program!, {});
  assert.equal(v.error, undefined);
  return v.value;
}

describe('CEL compile errors as cel-go prints them', () => {
  test('a dangling operator is a syntax error listing the expected tokens', () => {
    assert.equal(
      compile('self.a >').error,
      "compilation failed: ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | self.a >\n | ........^",
    );
  });
  test('an undeclared variable is an undeclared reference', () => {
    assert.equal(compile('x + 1').error, "compilation failed: ERROR: <input>:1:1: undeclared reference to 'x' (in container '')\n | x + 1\n | ^");
  });
  test('adding int and string finds no matching overload', () => {
    assert.equal(
      compile('1 + "a"').error,
      "compilation failed: ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'\n | 1 + \"a\"\n | ..^",
    );
  });
});

describe('CEL evaluation of the standard library', () => {
  test('all() macro, matches() and size() evaluate to true', () => {
    assert.equal(run('[1, 2, 3].all(x, x > 0)'), true);
    assert.equal(run('"abc".matches("^a")'), true);
    assert.equal(run('size("hello") == 5'), true);
    assert.equal(run('1 + 2 == 3 && "a" + "b" == "ab"'), true);
  });
});
