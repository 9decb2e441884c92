import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBackend } from './memory.js';
import { SqliteBackend } from './sqlite.js';
import { readSnapshot, restoreSnapshot, saveSnapshot, snapshotHeader } from './snapshot.js';

const tmp = mkdtempSync(join(tmpdir(), 'minikapi-snapshot-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('snapshots', () => {
  test('save reads every live key at one revision; restore into an empty store of another backend gives the same keys and values in the old order', async () => {
    const src = new SqliteBackend({ path: join(tmp, 'src.db') });
    await src.create('/registry/configmaps/default/a', Buffer.from('{"a":1}'));
    const b = await src.create('/registry/configmaps/default/b', Buffer.from('{"b":1}'));
    await src.update('/registry/configmaps/default/b', Buffer.from('{"b":2}'), b.modRevision);
    await src.create('/registry/secrets/default/bin', Buffer.from([0xff, 0x00, 0xfe]));
    await src.create('/registry/configmaps/default/gone', Buffer.from('{}'));
    await src.delete('/registry/configmaps/default/gone');
    const file = join(tmp, 'one.snap');
    const saved = await saveSnapshot(src, file);
    // a write after the snapshot is not in it
    await src.create('/registry/configmaps/default/late', Buffer.from('{}'));
    await src.close();
    assert.deepEqual([saved.revision, saved.keys], [6, 3]);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.deepEqual(JSON.parse(lines[1]!), { key: '/registry/configmaps/default/a', createRevision: 1, modRevision: 1, value: '{"a":1}' });
    assert.deepEqual(JSON.parse(lines[3]!), { key: '/registry/secrets/default/bin', createRevision: 4, modRevision: 4, valueBase64: '/wD+' });
    assert.equal(snapshotHeader(file)?.revision, 6);

    const dst = new MemoryBackend();
    const r = await restoreSnapshot(file, dst);
    assert.deepEqual([r.keys, r.revision], [3, 3]);
    const l = await dst.list('/');
    assert.deepEqual(l.items.map((kv) => [kv.key, kv.value.toString('hex'), kv.modRevision]), [
      ['/registry/configmaps/default/a', Buffer.from('{"a":1}').toString('hex'), 1],
      ['/registry/configmaps/default/b', Buffer.from('{"b":2}').toString('hex'), 2],
      ['/registry/secrets/default/bin', 'ff00fe', 3],
    ]);
    await assert.rejects(restoreSnapshot(file, dst), { keys: 3, message: 'the target store is not empty (3 keys); a snapshot is restored into an empty store only' });
    await dst.close();
  });

  test('a truncated, miscounted or foreign file is refused before anything is written', async () => {
    const src = new MemoryBackend();
    await src.create('/registry/configmaps/default/a', Buffer.from('{}'));
    const file = join(tmp, 'two.snap');
    await saveSnapshot(src, file);
    const text = readFileSync(file, 'utf8');
    const cut = join(tmp, 'cut.snap');
    writeFileSync(cut, text.split('\n').slice(0, 2).join('\n') + '\n');
    assert.throws(() => readSnapshot(cut), { message: `${cut} is truncated (no end line after 1 keys): take the snapshot again` });
    const miscounted = join(tmp, 'count.snap');
    writeFileSync(miscounted, text.replace('"keys":1', '"keys":2'));
    assert.throws(() => readSnapshot(miscounted), { message: `${miscounted} holds 1 keys but its end line counts 2: the file is damaged` });
    const foreign = join(tmp, 'foreign.yaml');
    writeFileSync(foreign, 'apiVersion: v1\nkind: ConfigMap\n');
    assert.equal(snapshotHeader(foreign), undefined);
    assert.throws(() => readSnapshot(foreign), { message: `${foreign} is not a minikapi snapshot (its first line is not a JSON header)` });
    const dst = new MemoryBackend();
    await assert.rejects(restoreSnapshot(cut, dst));
    assert.equal((await dst.count('/')).count, 0);
  });
});
