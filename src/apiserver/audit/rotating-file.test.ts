import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RotatingFile, backupName } from './rotating-file.js';

test('backups are named as lumberjack names them, in UTC with milliseconds', () => {
  assert.equal(backupName('/var/log/audit.log', new Date(Date.UTC(2026, 11, 4, 6, 39, 11, 7))), '/var/log/audit-2026-12-04T06-39-11.007.log');
  assert.equal(backupName('/tmp/audit', new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 600))), '/tmp/audit-2026-01-02T03-04-05.600');
});

test('a write that would pass maxsize starts a new file; only maxbackup backups stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikapi-rotate-'));
  try {
    const path = join(dir, 'audit.log');
    const f = new RotatingFile(path, { maxSizeMB: 1, maxBackups: 2 });
    const line = 'x'.repeat(1023) + '\n';
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 1024; i++) f.write(line);
      // backups are named to the millisecond: keep rotations apart
      await new Promise((r) => setTimeout(r, 5));
    }
    f.write('last\n');
    f.close();
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 3, files.join(' '));
    assert.ok(files.every((n) => n === 'audit.log' || /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/.test(n)), files.join(' '));
    assert.equal(readFileSync(path, 'utf8'), 'last\n');
    for (const b of files.filter((n) => n !== 'audit.log')) assert.equal(readFileSync(join(dir, b)).length, 1024 * 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('maxage removes backups older than that many days at the next rotation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minikapi-rotate-'));
  try {
    const path = join(dir, 'audit.log');
    const old = join(dir, 'audit-2020-01-01T00-00-00.000.log');
    writeFileSync(old, 'old\n');
    utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    writeFileSync(join(dir, 'other.log'), 'kept\n');
    const f = new RotatingFile(path, { maxSizeMB: 1, maxAgeDays: 7 });
    for (let i = 0; i < 1025; i++) f.write('y'.repeat(1023) + '\n');
    f.close();
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 3, files.join(' '));
    assert.ok(!files.includes('audit-2020-01-01T00-00-00.000.log'));
    assert.ok(files.includes('other.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
