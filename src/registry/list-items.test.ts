import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListBody, ListItems } from './list-items.js';
import { typeMetaHead, withResourceVersion, withoutTypeMeta } from './stored-json.js';

/** What a whole list body read into pieces of `size` bytes comes to. */
function readAll(body: ListBody, size: number): string {
  const out: Buffer[] = [];
  for (;;) {
    const piece = Buffer.alloc(size);
    const n = body.read(piece);
    if (n === 0) break;
    assert.ok(n === size || body.read(Buffer.alloc(size)) === 0, 'only the last piece is short');
    out.push(piece.subarray(0, n));
    if (n < size) break;
  }
  return Buffer.concat(out).toString();
}

const configMap = (i: number) => `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c${i}","namespace":"n","uid":"u${i}","creationTimestamp":null},"data":{"k":"${'é'.repeat(i % 300)}"}}`;

describe('list items', () => {
  test('typed items print without kind and apiVersion, resourceVersion after name, namespace and uid', () => {
    const items = new ListItems();
    const head = typeMetaHead('ConfigMap', 'v1');
    assert.equal(items.addStored(Buffer.from(configMap(1)), 1234567, true, head), true);
    assert.equal(items.addStored(Buffer.from('{"kind":"ConfigMap","apiVersion":"v1","metadata":{}}'), 9, true, head), true);
    assert.equal(items.addStored(Buffer.from('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"}}'), 10, true, head), true);
    const want = '{"metadata":{"name":"c1","namespace":"n","uid":"u1","resourceVersion":"1234567","creationTimestamp":null},"data":{"k":"é"}},{"metadata":{"resourceVersion":"9"}},{"metadata":{"name":"x","resourceVersion":"10"}}';
    assert.equal(items.byteLength, Buffer.byteLength(want));
    for (const size of [1, 2, 1 << 16]) assert.equal(readAll(new ListBody(Buffer.from('['), items, Buffer.from(']')), size), `[${want}]`);
  });

  test('an item of another kind, or without metadata, is not taken as stored bytes', () => {
    const items = new ListItems();
    const head = typeMetaHead('ConfigMap', 'v1');
    assert.equal(items.addStored(Buffer.from('{"kind":"Secret","apiVersion":"v1","metadata":{}}'), 1, true, head), false);
    assert.equal(items.addStored(Buffer.from('{"kind":"ConfigMap","apiVersion":"v1"}'), 1, true, head), false);
    assert.equal(items.addStored(Buffer.from('{"apiVersion":"e.io/v1","kind":"Foo","spec":{}}'), 1, false), false);
    assert.equal(items.count, 0);
    assert.equal(items.byteLength, 0);
  });

  test('custom resources keep kind and apiVersion and get resourceVersion in sorted order', () => {
    const items = new ListItems();
    const doc = '{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"annotations":{"a":"b"},"name":"x","uid":"z"},"spec":{}}';
    assert.equal(items.addStored(Buffer.from(doc), 42, false), true);
    items.addJSON(Buffer.from('{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"name":"converted","resourceVersion":"7"}}'));
    const body = new ListBody(Buffer.from('{"items":['), items, Buffer.from(']}\n'));
    assert.equal(readAll(body, 7), `{"items":[${withResourceVersion(Buffer.from(doc), 42, false)},{"apiVersion":"e.io/v1","kind":"Foo","metadata":{"name":"converted","resourceVersion":"7"}}]}\n`);
  });

  test('a body read in pieces of any size is the same bytes as printing every item on its own', () => {
    const head = typeMetaHead('ConfigMap', 'v1');
    const items = new ListItems();
    const printed: string[] = [];
    for (let i = 0; i < 700; i++) {
      const stored = Buffer.from(configMap(i));
      const rv = i * 7919 + (i % 3 ? 0 : 1e12);
      items.addStored(stored, rv, true, head);
      printed.push(String(withoutTypeMeta(withResourceVersion(stored, rv, true)!, 'ConfigMap', 'v1')));
    }
    const want = `{"kind":"ConfigMapList","items":[${printed.join(',')}]}\n`;
    const list = (): ListBody => new ListBody(Buffer.from('{"kind":"ConfigMapList","items":['), items, Buffer.from(']}\n'));
    assert.equal(list().length, Buffer.byteLength(want));
    for (const size of [3, 17, 64, 333, 1000, 4096, 65536, 1 << 20]) assert.equal(readAll(list(), size), want, `pieces of ${size} bytes`);
  });

  test('an empty list is head and tail', () => {
    const body = new ListBody(Buffer.from('{"items":['), new ListItems(), Buffer.from(']}\n'));
    assert.equal(body.length, 13);
    assert.equal(readAll(body, 4), '{"items":[]}\n');
  });
});
