// `import { startCluster } from 'minikapi'` as test runners use it: each call an isolated cluster on a free
// port with memory storage, its temporary files gone after stop(), after a crash, and after a SIGKILL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../index.js';
import { REPO_ROOT, runKubectl } from '../testing/harness.js';

const INDEX = join(REPO_ROOT, 'dist', 'index.js');
const runDirs = (pid: number) => readdirSync(tmpdir()).filter((n) => n.startsWith(`minikapi-run-${pid}-`));

function node(script: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

describe('programmatic API', () => {
  test('two clusters at once are isolated; kubectl works with each; stop() removes their files', async () => {
    const [a, b] = await Promise.all([startCluster(), startCluster()]);
    try {
      assert.notEqual(a.port, b.port);
      assert.equal(a.server, a.url);
      assert.equal(a.backend.kind, 'memory');
      assert.ok(a.dataDir.startsWith(join(tmpdir(), `minikapi-run-${process.pid}-`)));
      const ka = await runKubectl(a.kubeconfigPath, join(a.dataDir, 'cache'), ['create', 'configmap', 'only-in-a']);
      assert.equal(ka.code, 0, ka.stderr);
      const kb = await runKubectl(b.kubeconfigPath, join(b.dataDir, 'cache'), ['get', 'configmap', 'only-in-a']);
      assert.equal(kb.code, 1);
      assert.equal(kb.stderr, 'Error from server (NotFound): configmaps "only-in-a" not found\n');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    assert.equal(existsSync(a.dataDir), false);
    assert.equal(existsSync(b.dataDir), false);
  });

  test('a test process that crashes leaves no files behind', async () => {
    const r = await node(`import { startCluster } from ${JSON.stringify(INDEX)}; const c = await startCluster(); console.log('pid', process.pid, c.dataDir); throw new Error('the runner crashed');`);
    assert.notEqual(r.code, 0);
    const m = /pid (\d+) (\S+)/.exec(r.out);
    assert.ok(m, r.out);
    assert.match(r.out, /the runner crashed/);
    assert.equal(existsSync(m[2]!), false);
  });

  test('files of a process killed with SIGKILL are swept by the next start', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `import { startCluster } from ${JSON.stringify(INDEX)}; const c = await startCluster(); console.log('ready', c.dataDir);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const dir = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /ready (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.equal(existsSync(dir), true);
    assert.equal(runDirs(child.pid!).length, 1);
    const next = await startCluster();
    await next.stop();
    assert.equal(existsSync(dir), false);
  });
});
