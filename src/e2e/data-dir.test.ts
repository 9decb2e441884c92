// A data directory is served by one minikapi at a time, keeps its files to its owner, and a damaged or
// older state.db is refused at start with the fix, never served as a smaller store (issue 16).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { killAll, up, upFails, stop } from '../testing/cli.js';
import { runKubectl } from '../testing/harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'minikapi-datadir-'));
after(() => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

async function fill(dir: string, n: number, from = 0): Promise<void> {
  const r = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
  const cache = join(dir, 'kubecache');
  for (let i = 0; i < n; i += 50) {
    const names = Array.from({ length: Math.min(50, n - i) }, (_, j) => `cm-${from + i + j}`);
    const yaml = names.map((name) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: ${'x'.repeat(200)}\n`).join('---\n');
    const res = await runKubectl(r.kubeconfig, cache, ['apply', '-f', '-'], { stdin: yaml });
    assert.equal(res.code, 0, res.stderr);
  }
  assert.equal(await stop(r), 0);
}

describe('data directory', () => {
  test('a second minikapi on the same data dir is refused with who serves it; --join shares it deliberately', async () => {
    const dir = join(tmp, 'two');
    const first = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    const second = await upFails(['--port', '0', '--data-dir', dir]);
    assert.equal(second.code, 1);
    const url = /ready at (\S+)/.exec(first.out())![1];
    assert.match(second.out, new RegExp(`minikapi: another minikapi \\(pid ${first.child.pid}\\) is serving ${dir} at ${url.replace(/[.[\]]/g, '\\$&')}; stop it or use another --data-dir/--name`));
    const joined = await up(['--join', '--port', '0', '--data-dir', dir, '--controllers', 'none']);
    assert.notEqual(joined.kubeconfig, first.kubeconfig);
    assert.equal(await stop(joined), 0);
    // the first one's state survives the joined one's exit
    assert.ok(statSync(join(dir, 'minikapi.json')).isFile());
    assert.equal(await stop(first), 0);
  });

  test('a lock left by a killed process does not keep the data dir', async () => {
    const dir = join(tmp, 'stale');
    const r = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    r.child.kill('SIGKILL');
    await r.exit;
    const again = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    assert.equal(await stop(again), 0);
  });

  test('state.db and its -wal and -shm files are readable by their owner only', async () => {
    const dir = join(tmp, 'modes');
    const r = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    assert.equal(await stop(r), 0);
  });

  test('a truncated, an emptied or an older state.db is refused with the fix', async () => {
    const dir = join(tmp, 'damage');
    await fill(dir, 300);
    const db = join(dir, 'state.db');
    const good = join(tmp, 'good.db');
    copyFileSync(db, good);
    // an older copy: taken, then more writes, then put back
    const older = join(tmp, 'older.db');
    copyFileSync(db, older);
    await fill(dir, 60, 1000);
    copyFileSync(db, good);
    copyFileSync(older, db);
    let r = await upFails(['--port', '0', '--data-dir', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`minikapi: ${db} is at revision \\d+, but this data directory's store had reached revision \\d+: it is damaged or an older copy\\. Restore the newest snapshot, or remove ${join(dir, 'state.revision')} to serve it as it is`));
    // emptied
    writeFileSync(db, '');
    r = await upFails(['--port', '0', '--data-dir', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, /is at revision 0, but this data directory's store had reached revision/);
    // truncated by 1,234 bytes
    copyFileSync(good, db);
    truncateSync(db, statSync(db).size - 1234);
    r = await upFails(['--port', '0', '--data-dir', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`minikapi: ${db} is not a SQLite database or is damaged \\(.+\\); restore it from a snapshot, or move it away`));
    // the good copy serves again
    copyFileSync(good, db);
    const ok = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    assert.equal(await stop(ok), 0);
  });

  test('acknowledged writes lost from a damaged WAL after a crash are noticed at the next start', async () => {
    const dir = join(tmp, 'wal');
    const r = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    const yaml = Array.from({ length: 60 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w-${i}\ndata:\n  k: ${'y'.repeat(200)}\n`).join('---\n');
    const res = await runKubectl(r.kubeconfig, join(dir, 'kubecache'), ['create', '-f', '-'], { stdin: yaml, timeoutMs: 90_000 });
    assert.equal(res.code, 0, res.stderr);
    r.child.kill('SIGKILL');
    await r.exit;
    // flip a byte in the last frame of the live WAL (frames carrying the header's salts): its commit is lost
    const wal = join(dir, 'state.db-wal');
    const bytes = readFileSync(wal);
    const pageSize = bytes.readUInt32BE(8);
    const [salt1, salt2] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    let last = -1;
    for (let off = 32; off + 24 + pageSize <= bytes.length; off += 24 + pageSize)
      if (bytes.readUInt32BE(off + 8) === salt1 && bytes.readUInt32BE(off + 12) === salt2) last = off;
    assert.ok(last > 0, 'the WAL holds live frames');
    bytes[last + 24 + 100] = bytes[last + 24 + 100]! ^ 0xff;
    writeFileSync(wal, bytes);
    const again = await upFails(['--port', '0', '--data-dir', dir]);
    assert.equal(again.code, 1);
    assert.match(again.out, /but this data directory's store had reached revision \d+: it is damaged or an older copy/);
  });

  test("TLS 1.2 offers only Go's default suites: no CBC-SHA256, CCM or ARIA", async () => {
    const dir = join(tmp, 'tls');
    const r = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    const port = Number(/ready at https:\/\/127\.0\.0\.1:(\d+)/.exec(r.out())![1]);
    const handshake = (ciphers: string, maxVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.2', minVersion: 'TLSv1' | 'TLSv1.2' = 'TLSv1.2') =>
      new Promise<string>((resolve) => {
        const s = connect({ host: '127.0.0.1', port, ciphers, maxVersion, minVersion, rejectUnauthorized: false }, () => {
          resolve(`ok ${s.getCipher().name}`);
          s.destroy();
        });
        s.on('error', (e) => resolve(`refused ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      });
    assert.equal(await handshake('ECDHE-ECDSA-AES128-GCM-SHA256'), 'ok ECDHE-ECDSA-AES128-GCM-SHA256');
    assert.equal(await handshake('ECDHE-ECDSA-CHACHA20-POLY1305'), 'ok ECDHE-ECDSA-CHACHA20-POLY1305');
    for (const c of ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-CCM', 'ECDHE-ECDSA-ARIA128-GCM-SHA256'])
      assert.match(await handshake(c), /^refused /, c);
    assert.match(await handshake('DEFAULT@SECLEVEL=0', 'TLSv1.2', 'TLSv1'), /^ok /);
    assert.equal(await stop(r), 0);
  });
});
