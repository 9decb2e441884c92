import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { CompactedError, type WatchEvent } from './backend.js';
import { backendConformance, collect, summary } from './conformance.js';
import { openBackend } from './index.js';
import { DatabaseFileError, SqliteBackend } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'minikapi-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = (): string => join(dir, `db-${++files}.sqlite`);
const b = (s: string): Buffer => Buffer.from(s);

backendConformance('sqlite', () => new SqliteBackend({ path: newPath(), pollIntervalMs: 10 }));

/** Revisions strictly increasing by one from first: nothing missing, duplicated or reordered. */
function assertContiguous(events: readonly WatchEvent[], first: number): void {
  assert.deepEqual(
    events.map((e) => e.kv.modRevision),
    Array.from({ length: events.length }, (_, i) => first + i),
  );
}

describe('sqlite backend', () => {
  test('acknowledged writes are durable by default (synchronous=FULL); throw-away stores may opt out', async () => {
    const durable = new SqliteBackend({ path: newPath() });
    assert.equal(durable.durability(), 'full');
    await durable.close();
    const fast = (await openBackend({ kind: 'sqlite', path: newPath(), unsafeNoFsync: true })) as SqliteBackend;
    assert.equal(fast.durability(), 'off');
    await fast.close();
  });

  test('the writes of one event-loop turn commit together, each with its own revision and outcome', async () => {
    const be = new SqliteBackend({ path: newPath() });
    const base = await be.currentRevision();
    const w = collect(be, '/k/', base);
    await be.create('/k/taken', b('0'));
    const results = await Promise.allSettled([
      be.create('/k/a', b('1')),
      be.create('/k/taken', b('dup')),
      be.update('/k/taken', b('2'), base + 1),
      be.update('/k/taken', b('stale'), base + 1),
      be.delete('/k/missing'),
      be.create('/k/b', b('3')),
    ]);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? `ok ${r.value.modRevision}` : r.reason.constructor.name)), [
      `ok ${base + 2}`, 'KeyExistsError', `ok ${base + 3}`, 'ConflictError', 'NotFoundError', `ok ${base + 4}`,
    ]);
    const events = await w.waitFor(4);
    assert.deepEqual(summary(events), [`create /k/taken=0@${base + 1}`, `create /k/a=1@${base + 2}`, `update /k/taken=2@${base + 3}`, `create /k/b=3@${base + 4}`]);
    w.watcher.stop();
    await be.close();
  });

  test('writes asked for while a commit is being synced wait for it, then commit in order, each answered once', async () => {
    const be = new SqliteBackend({ path: newPath() });
    const base = await be.currentRevision();
    const w = collect(be, '/s/', base);
    const answered: string[] = [];
    const first = be.create('/s/a', b('1')).then((kv) => answered.push(`a@${kv.modRevision}`));
    // the first write is committed at the end of this turn; its sync is then under way
    await new Promise((r) => setImmediate(r));
    const rest = [
      be.create('/s/b', b('2')).then((kv) => answered.push(`b@${kv.modRevision}`)),
      be.create('/s/a', b('dup')).catch((e: Error) => answered.push(e.constructor.name)),
      be.update('/s/a', b('3'), base + 1).then((kv) => answered.push(`a@${kv.modRevision}`)),
    ];
    await Promise.all([first, ...rest]);
    assert.deepEqual(answered, [`a@${base + 1}`, `b@${base + 2}`, 'KeyExistsError', `a@${base + 3}`]);
    const events = await w.waitFor(3);
    assertContiguous(events, base + 1);
    assert.deepEqual(summary(events), [`create /s/a=1@${base + 1}`, `create /s/b=2@${base + 2}`, `update /s/a=3@${base + 3}`]);
    assert.equal(be.durability(), 'full');
    w.watcher.stop();
    await be.close();
  });

  test('the current revision includes a commit by another connection as soon as it is made', async () => {
    const path = newPath();
    const a = new SqliteBackend({ path, pollIntervalMs: 60_000 });
    const other = new SqliteBackend({ path, pollIntervalMs: 60_000 });
    assert.equal(await a.currentRevision(), await other.currentRevision());
    for (let i = 0; i < 3; i++) {
      const kv = await other.create(`/c/${i}`, b('x'));
      assert.equal(await a.currentRevision(), kv.modRevision);
      const mine = await a.create(`/d/${i}`, b('y'));
      assert.equal(await other.currentRevision(), mine.modRevision);
    }
    await other.close();
    await a.close();
  });

  test('writes asked for before close are committed and answered', async () => {
    const path = newPath();
    const be = new SqliteBackend({ path });
    const p = be.create('/k/last', b('x'));
    await be.close();
    assert.equal((await p).key, '/k/last');
    const again = new SqliteBackend({ path });
    assert.equal((await again.get('/k/last'))?.value.toString(), 'x');
    await again.close();
  });

  test('data, revision and compact revision survive close and reopen', async () => {
    const path = newPath();
    const one = await openBackend({ kind: 'sqlite', path });
    const a = await one.create('/k/a', b('1'));
    const a2 = await one.update('/k/a', b('2'), a.modRevision);
    await one.create('/k/b', b('1'));
    const gone = await one.delete('/k/b');
    await one.compact(gone.modRevision);
    await one.close();
    const two = await openBackend({ kind: 'sqlite', path });
    try {
      assert.equal(two.kind, 'sqlite');
      assert.equal(await two.currentRevision(), gone.modRevision);
      assert.equal(await two.compactRevision(), gone.modRevision);
      assert.deepEqual(await two.get('/k/a'), a2);
      assert.equal(await two.get('/k/b'), undefined);
      assert.equal((await two.create('/k/c', b('1'))).modRevision, gone.modRevision + 1);
    } finally {
      await two.close();
    }
  });

  test('a second instance on the same file sees interleaved writes of both, in revision order', async () => {
    const path = newPath();
    const one = new SqliteBackend({ path, pollIntervalMs: 10 });
    const two = new SqliteBackend({ path, pollIntervalMs: 10 });
    try {
      const start = await one.currentRevision();
      const onOne = collect(one, '/x/', start);
      const onTwo = collect(two, '/x/', start);
      for (let i = 0; i < 40; i++) {
        await (i % 3 === 0 ? two : one).create(`/x/o${i}`, b(String(i)));
        if (i % 7 === 0) await new Promise((r) => setTimeout(r, 3));
      }
      await onOne.waitFor(40);
      await onTwo.waitFor(40);
      assertContiguous(onOne.events, start + 1);
      assert.deepEqual(summary(onTwo.events), summary(onOne.events));
      assert.deepEqual(onOne.events.map((e) => e.kv.key), Array.from({ length: 40 }, (_, i) => `/x/o${i}`));
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('a local write after unseen foreign writes delivers the foreign ones first, at once', async () => {
    const path = newPath();
    const one = new SqliteBackend({ path, pollIntervalMs: 60_000 });
    const two = new SqliteBackend({ path, pollIntervalMs: 60_000 });
    try {
      const w = collect(two, '/x/', 0);
      await new Promise((r) => setImmediate(r));
      const a = await one.create('/x/a', b('1'));
      await one.update('/x/a', b('2'), a.modRevision);
      // More than one page of foreign writes to catch up on.
      for (let i = 0; i < 1000; i++) await one.create(`/x/n${i}`, b('n'));
      assert.equal(w.events.length, 0);
      await two.create('/x/b', b('1'));
      assert.equal(w.events.length, 1003);
      assertContiguous(w.events, 1);
      assert.deepEqual(summary(w.events.slice(0, 2)), ['create /x/a=1@1', 'update /x/a=2@2']);
      assert.deepEqual(summary(w.events.slice(-1)), ['create /x/b=1@1003']);
      assert.deepEqual(w.events[1]!.prevKv, a);
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('a child process writing to the same file is seen by the watcher, interleaved with local writes', async () => {
    const path = newPath();
    const be = new SqliteBackend({ path, pollIntervalMs: 10 });
    try {
      const start = await be.currentRevision();
      const w = collect(be, '/x/', start);
      const script = `
        const { SqliteBackend } = await import(process.argv[1]);
        const be = new SqliteBackend({ path: process.argv[2] });
        for (let i = 0; i < 100; i++) {
          await be.create('/x/child/' + i, Buffer.from(String(i)));
          if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
        }
        await be.close();`;
      const moduleUrl = new URL('./sqlite.js', import.meta.url).href;
      const child = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, moduleUrl, path]);
      let local = 0;
      let childDone = false;
      void child.finally(() => (childDone = true));
      while (!childDone || local < 20) {
        await be.create(`/x/parent/${local++}`, b('p'));
        await new Promise((r) => setTimeout(r, 1));
      }
      await child;
      const events = await w.waitFor(100 + local);
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(events.length, 100 + local);
      assertContiguous(events, start + 1);
      const childKeys = events.filter((e) => e.kv.key.startsWith('/x/child/')).map((e) => e.kv.key);
      assert.deepEqual(childKeys, Array.from({ length: 100 }, (_, i) => `/x/child/${i}`));
      assert.equal((await be.count('/x/child/')).count, 100);
    } finally {
      await be.close();
    }
  });

  test('a watcher that falls behind a compaction by another process ends with CompactedError', async () => {
    const path = newPath();
    const one = new SqliteBackend({ path, pollIntervalMs: 10 });
    const two = new SqliteBackend({ path, pollIntervalMs: 60_000 });
    try {
      const w = collect(two, '/x/', 0);
      await new Promise((r) => setImmediate(r));
      let kv = await one.create('/x/a', b('0'));
      for (let i = 1; i < 10; i++) kv = await one.update('/x/a', b(String(i)), kv.modRevision);
      await one.compact(kv.modRevision);
      await two.create('/y/b', b('1'));
      assert.equal(w.events.length, 0);
      assert.equal(w.errors.length, 1);
      assert.ok(w.errors[0] instanceof CompactedError);
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('compaction works in batches and checkpoints the WAL', async () => {
    const path = newPath();
    const be = new SqliteBackend({ path, compactBatch: 50 });
    try {
      const kvs = [];
      for (let i = 0; i < 200; i++) kvs.push(await be.create(`/k/${i}`, b('x'.repeat(2000))));
      for (const kv of kvs) await be.update(kv.key, b('y'), kv.modRevision);
      for (const kv of kvs.slice(0, 100)) await be.delete(kv.key);
      assert.ok(statSync(path + '-wal').size > 0);
      const removed = await be.compact(await be.currentRevision());
      assert.equal(removed, 200 + 99 * 2);
      assert.equal(statSync(path + '-wal').size, 0);
      assert.equal((await be.count('/k/')).count, 100);
      assert.equal((await be.list('/k/', { limit: 1 })).items[0]!.value.toString(), 'y');
    } finally {
      await be.close();
    }
  });

  test('a file written with the earlier schema (AUTOINCREMENT, unique index) opens and goes on from its head', async () => {
    const path = newPath();
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(`CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER NOT NULL,
        deleted INTEGER NOT NULL, create_revision INTEGER NOT NULL, prev_revision INTEGER NOT NULL,
        lease INTEGER NOT NULL DEFAULT 0, value BLOB, old_value BLOB, UNIQUE (name, prev_revision));
      CREATE INDEX kine_name_id_deleted ON kine (name, id, deleted);
      INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision) VALUES (0, 'compact_rev_key', 0, 0, 0, 0);
      INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value) VALUES ('/k/a', 1, 0, 0, 0, x'31');
      INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value) VALUES ('/k/b', 1, 0, 0, 0, x'31');
      INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value) VALUES ('/k/b', 0, 1, 2, 2, x'31');
      INSERT INTO kine (name, created, deleted, create_revision, prev_revision, value) VALUES ('/k/x', 1, 0, 0, 0, x'31');
      DELETE FROM kine WHERE id = 4;`);
    old.close();
    // its head is sqlite_sequence's 4, not the highest id left (3)
    const be = new SqliteBackend({ path });
    try {
      assert.equal(await be.currentRevision(), 4);
      assert.deepEqual(await be.get('/k/a'), { key: '/k/a', value: b('1'), createRevision: 1, modRevision: 1 });
      assert.equal(await be.get('/k/b'), undefined);
      assert.equal((await be.update('/k/a', b('2'), 1)).modRevision, 5);
      assert.equal((await be.create('/k/b', b('3'))).modRevision, 6);
      assert.equal(await be.compact(6), 3);
      assert.equal(await be.currentRevision(), 6);
    } finally {
      await be.close();
    }
    const again = new SqliteBackend({ path });
    try {
      assert.equal((await again.create('/k/c', b('1'))).modRevision, 7);
    } finally {
      await again.close();
    }
  });

  test('ids stay monotonic without AUTOINCREMENT: the newest row survives compaction, also when it is a deletion', async () => {
    const path = newPath();
    const be = new SqliteBackend({ path });
    await be.create('/k/a', b('1'));
    await be.delete('/k/a');
    await be.create('/k/b', b('1'));
    const gone = await be.delete('/k/b');
    assert.equal(await be.compact(gone.modRevision), 2);
    await be.close();
    const again = new SqliteBackend({ path });
    try {
      assert.equal(await again.currentRevision(), gone.modRevision);
      assert.equal((await again.create('/k/a', b('2'))).modRevision, gone.modRevision + 1);
    } finally {
      await again.close();
    }
  });

  test('a file that is not a SQLite database fails with a clear DatabaseFileError', async () => {
    const path = newPath();
    writeFileSync(path, 'this is not a database, just some text that is long enough to look like a header'.repeat(20));
    await assert.rejects(
      openBackend({ kind: 'sqlite', path }),
      (e) => {
        assert.ok(e instanceof DatabaseFileError);
        assert.equal(e.path, path);
        assert.match(e.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a SQLite database or is damaged .*move it away`));
        return true;
      },
    );
  });

  test('a database file in a missing directory fails with DatabaseFileError', () => {
    assert.throws(() => new SqliteBackend({ path: join(dir, 'missing', 'db.sqlite') }), DatabaseFileError);
  });
});
