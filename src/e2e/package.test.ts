// The published package (issue 12): `npm pack` holds what `npx minikapi up` and `import { startCluster }`
// need and nothing of the tests; installed into an empty project with production dependencies only, both work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runKubectl } from '../testing/harness.js';

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_loglevel: 'error' } }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }));
  });
}

describe('the npm package', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'minikapi-pack-'));
  const app = join(tmp, 'app');
  let tarball = '';
  before(async () => {
    // dist/ is built already (make test builds first): pack it as prepack would, without rebuilding under the running suite
    const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], REPO_ROOT);
    assert.equal(pack.code, 0, pack.out);
    tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz'))!);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    // production dependencies only, from the npm cache; the native SQLite binding is the one `npm ci` built
    // for this checkout (same version, same Node), so the test does not spend a minute compiling it again
    const install = await run('npm', ['install', tarball, '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app, 300_000);
    assert.equal(install.code, 0, install.out);
    const release = join(app, 'node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(release, 'better_sqlite3.node'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('the tarball carries the CLI and the built code, not the tests', async () => {
    const list = await run('tar', ['tzf', tarball], tmp);
    const files = list.out.split('\n').filter(Boolean);
    assert.ok(files.includes('package/bin/minikapi'));
    assert.ok(files.includes('package/dist/index.js'));
    assert.ok(files.includes('package/dist/cli/main.js'));
    assert.deepEqual(files.filter((f) => /\.test\.js$|\/dist\/(e2e|testing)\/|^package\/src\/|conformance\.|realworld-fixtures\./.test(f)), []);
  });

  test('npx minikapi up runs from the installed package and kubectl works against it', async () => {
    const dir = join(tmp, 'cluster');
    const child = spawn(join(app, 'node_modules', '.bin', 'minikapi'), ['up', '--port', '0', '--data-dir', dir], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const kubeconfig = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready:\n${out}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /export KUBECONFIG=(.+)\n/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const k = await runKubectl(kubeconfig, join(tmp, 'kubecache'), ['get', 'namespace', 'kube-system', '-o', 'name']);
      assert.equal(k.code, 0, k.stderr);
      assert.equal(k.stdout, 'namespace/kube-system\n');
    } finally {
      child.kill('SIGTERM');
      assert.equal(await new Promise((r) => child.once('exit', r)), 0);
    }
    assert.match(out, /storage \(sqlite/);
  });

  test("import { startCluster } from 'minikapi' works in the installed project", async () => {
    writeFileSync(join(app, 'check.js'), "import { startCluster } from 'minikapi';\nconst c = await startCluster();\nconsole.log(c.backend.kind, c.server.startsWith('https://127.0.0.1:'));\nawait c.stop();\n");
    const r = await run(process.execPath, ['check.js'], app, 30_000);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out, 'memory true\n');
  });
});
