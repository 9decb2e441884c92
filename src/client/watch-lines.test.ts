import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WatchLines } from './watch-lines.js';

const tick = () => new Promise((r) => setImmediate(r));

test('events written before the client started are delivered in order once it starts, a microtask later', async () => {
  const got: string[] = [];
  const l = new WatchLines((type, json) => got.push(`${type} ${json}`));
  l.attach();
  l.event('ADDED', '{"a":1}');
  l.event('MODIFIED', '{"a":2}');
  assert.equal(l.buffered(), 14);
  await tick();
  assert.deepEqual(got, []);
  l.start();
  assert.deepEqual(got, []);
  await tick();
  assert.deepEqual(got, ['ADDED {"a":1}', 'MODIFIED {"a":2}']);
  assert.equal(l.buffered(), 0);
});

test('end delivers what is queued, then the watch is done; later events are dropped', async () => {
  const got: string[] = [];
  const l = new WatchLines((type) => got.push(type));
  l.start();
  l.event('ADDED', '{}');
  l.end();
  l.event('MODIFIED', '{}');
  await l.done;
  assert.deepEqual(got, ['ADDED']);
});

test('abort (a reader too slow) drops what is queued and ends the watch', async () => {
  const got: string[] = [];
  const l = new WatchLines((type) => got.push(type));
  l.start();
  l.event('ADDED', '{}');
  l.abort();
  await l.done;
  await tick();
  assert.deepEqual(got, []);
});

test('cancel by the client tells the handler once, at once or when it registers later', async () => {
  const l = new WatchLines(() => assert.fail('no event after cancel'));
  let closed = 0;
  l.onClose(() => closed++);
  l.start();
  l.event('ADDED', '{}');
  l.cancel();
  l.cancel();
  await l.done;
  await tick();
  assert.equal(closed, 1);
  l.onClose(() => closed++);
  assert.equal(closed, 2);
});

test('cancel after the handler ended the watch does not call it back', async () => {
  const l = new WatchLines(() => {});
  let closed = 0;
  l.onClose(() => closed++);
  l.end();
  l.cancel();
  await l.done;
  assert.equal(closed, 0);
});

test('an event the client cannot take ends the watch and tells the handler', async () => {
  let closed = 0;
  const l = new WatchLines((_t, json) => void JSON.parse(json));
  l.onClose(() => closed++);
  l.start();
  l.event('ADDED', 'not json');
  await l.done;
  assert.equal(closed, 1);
});
