import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withResourceVersion } from './stored-json.js';

const rv = (doc: string, typed: boolean) => String(withResourceVersion(Buffer.from(doc), 42, typed));

describe('stored JSON', () => {
  test('typed kinds get resourceVersion after name, generateName, namespace, selfLink and uid, as Go prints ObjectMeta', () => {
    assert.equal(rv('{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"x-","name":"x-1","namespace":"n","selfLink":"/s","uid":"1","generation":2}}', true), '{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"x-","name":"x-1","namespace":"n","selfLink":"/s","uid":"1","resourceVersion":"42","generation":2}}');
    assert.equal(rv('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}}', true), '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a","resourceVersion":"42"}}');
    assert.equal(rv('{"kind":"ConfigMap","apiVersion":"v1","metadata":{}}', true), '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"42"}}');
    // a key only starting like one of them is not one of them
    assert.equal(rv('{"kind":"X","apiVersion":"v1","metadata":{"names":"a","name":"b"}}', true), '{"kind":"X","apiVersion":"v1","metadata":{"resourceVersion":"42","names":"a","name":"b"}}');
  });

  test('custom resources get it before the first key sorting after it, escaped and non-ASCII keys compared as bytes', () => {
    assert.equal(rv('{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"annotations":{"a":"b"},"name":"x","uid":"z"},"spec":{}}', false), '{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"annotations":{"a":"b"},"name":"x","resourceVersion":"42","uid":"z"},"spec":{}}');
    assert.equal(rv('{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"resourceVersiom":"z","resourceVersioo":"1"}}', false), '{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"resourceVersiom":"z","resourceVersion":"42","resourceVersioo":"1"}}');
    assert.equal(rv('{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"näme":"x","r\\u00e9":"y","ré":"z"}}', false), '{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"näme":"x","r\\u00e9":"y","resourceVersion":"42","ré":"z"}}');
    assert.equal(withResourceVersion(Buffer.from('{"kind":"X","spec":{}}'), 1, false), undefined);
    // a field sorting before metadata may hold an object with a "metadata" key of its own
    assert.equal(rv('{"apiVersion":"e.io/v1","data":{"metadata":{"a":1}},"kind":"Foo","metadata":{"name":"x"}}', false), '{"apiVersion":"e.io/v1","data":{"metadata":{"a":1}},"kind":"Foo","metadata":{"name":"x","resourceVersion":"42"}}');
    assert.equal(withResourceVersion(Buffer.from('{"apiVersion":"e.io/v1","data":{"metadata":{"a":1}},"kind":"Foo"}'), 1, false), undefined);
  });
});
