import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkQueue } from './workqueue.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

test('a key added many times while queued is processed once', async () => {
  const q = new WorkQueue();
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) q.add('a');
  q.add('b');
  void q.run(1, async (k) => void seen.push(k));
  await tick();
  assert.deepEqual(seen, ['a', 'b']);
  q.shutdown();
});

test('a key added while it is being processed is processed again afterwards, never concurrently', async () => {
  const q = new WorkQueue();
  let running = 0;
  let max = 0;
  let runs = 0;
  void q.run(4, async () => {
    running++;
    max = Math.max(max, running);
    runs++;
    if (runs === 1) q.add('a');
    await tick(2);
    running--;
  });
  q.add('a');
  await tick(30);
  assert.equal(runs, 2);
  assert.equal(max, 1);
  q.shutdown();
});

test('a failing key is retried with growing delays until it succeeds', async () => {
  const q = new WorkQueue({ baseDelayMs: 2 });
  const times: number[] = [];
  const errors: string[] = [];
  void q.run(
    1,
    async () => {
      times.push(performance.now());
      if (times.length < 4) throw new Error(`fail ${times.length}`);
    },
    (_k, e) => errors.push((e as Error).message),
  );
  q.add('x');
  for (let i = 0; i < 100 && times.length < 4; i++) await tick(2);
  assert.equal(times.length, 4);
  assert.deepEqual(errors, ['fail 1', 'fail 2', 'fail 3']);
  // 2, 4 and 8 ms: each failure doubles the delay (libuv's timers keep whole milliseconds, so up to 1 ms early)
  for (let i = 1; i < 4; i++) assert.ok(times[i]! - times[i - 1]! >= 2 ** i - 1, `retry ${i} after ${times[i]! - times[i - 1]!} ms`);
  assert.ok(q.idle());
  q.shutdown();
});

test('shutdown ends the workers', async () => {
  const q = new WorkQueue();
  const done = q.run(3, async () => {});
  q.shutdown();
  await done;
});
