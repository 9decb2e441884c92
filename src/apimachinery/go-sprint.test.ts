import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBadValue, goFloat, goQuote, goSharpV } from './go-sprint.js';

test('%#v of JSON-decoded values reads as Go prints interface{} maps and slices', () => {
  assert.equal(goSharpV({ port: 80, name: 'a' }), 'map[string]interface {}{"name":"a", "port":80}');
  assert.equal(goSharpV({}), 'map[string]interface {}{}');
  assert.equal(goSharpV(['a', 1.5, true, null, { k: [] }]), '[]interface {}{"a", 1.5, true, interface {}(nil), map[string]interface {}{"k":[]interface {}{}}}');
});

test('field errors print simple values with %v, strings with %q and the rest with %#v', () => {
  assert.equal(goBadValue(null), 'null');
  assert.equal(goBadValue(3), '3');
  assert.equal(goBadValue(0.25), '0.25');
  assert.equal(goBadValue('tab\there'), '"tab\\there"');
  assert.equal(goBadValue({ name: 'a' }), 'map[string]interface {}{"name":"a"}');
});

test('Go quoting and float formatting differ from JSON where Go does', () => {
  assert.equal(goQuote('\u0007\u0001é"'), '"\\a\\x01é\\""');
  assert.equal(goFloat(0.00001), '1e-05');
  assert.equal(goFloat(1e21), '1e+21');
  assert.equal(goFloat(123.5), '123.5');
});
