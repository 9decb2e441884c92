// The `minikapi` command as a user runs it: start-up lines, restarts, storage kinds, ports, signals, clear errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runKubectl } from '../testing/harness.js';
import { X509Certificate } from 'node:crypto';

import { BIN, killAll, up, upFails, stop, type Running } from '../testing/cli.js';

after(() => killAll());

describe('minikapi up', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'minikapi-cli-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('prints one line per phase, the ready time and the export line; SIGTERM exits 0', async () => {
    const dir = join(tmp, 'phases');
    const r = await up(['--data-dir', dir, '--port', '0', '--name', 'phases']);
    const out = r.out();
    for (const p of ['pki (new CA)', 'storage (sqlite)', 'bootstrap', 'listen', 'ready']) assert.match(out, new RegExp(`^ +${p.replace(/[()]/g, '\\$&')} +\\d+\\.\\d ms$`, 'm'));
    assert.match(out, /^minikapi phases ready at https:\/\/127\.0\.0\.1:\d+ in \d+ ms/m);
    assert.equal(r.kubeconfig, join(dir, 'kubeconfig'));
    const kc = readFileSync(r.kubeconfig, 'utf8');
    assert.match(kc, /current-context: phases/);
    assert.equal(statSync(r.kubeconfig).mode & 0o777, 0o600);
    assert.equal(await stop(r), 0);
    assert.match(r.out(), /^export KUBECONFIG=.*\ntry: kubectl get ns   \(context "phases" in that kubeconfig\)$/m);
    assert.match(r.out(), /SIGTERM received, stopping/);
  });

  test('data survives a restart and the second start reuses the CA and kubeconfig', async () => {
    const dir = join(tmp, 'persist');
    const cache = join(tmp, 'persist-cache');
    const r1 = await up(['--data-dir', dir, '--port', '0']);
    const ca1 = new X509Certificate(readFileSync(join(dir, 'pki', 'ca.crt'))).fingerprint256;
    const k1 = await runKubectl(r1.kubeconfig, cache, ['create', 'configmap', 'survivor', '--from-literal=k=v']);
    assert.equal(k1.code, 0, k1.stderr);
    assert.equal(await stop(r1, 'SIGINT'), 0);
    const oldKubeconfig = readFileSync(r1.kubeconfig, 'utf8');
    const r2 = await up(['--data-dir', dir, '--port', '0']);
    assert.match(r2.out(), /pki \(reused\)/);
    assert.equal(new X509Certificate(readFileSync(join(dir, 'pki', 'ca.crt'))).fingerprint256, ca1);
    // the old kubeconfig's credentials still work (only the port changed)
    const newKc = readFileSync(r2.kubeconfig, 'utf8');
    const port = /server: https:\/\/127\.0\.0\.1:(\d+)/.exec(newKc)![1];
    const oldWithPort = join(tmp, 'old-kubeconfig');
    writeFileSync(oldWithPort, oldKubeconfig.replace(/(server: https:\/\/127\.0\.0\.1:)\d+/, `$1${port}`), { mode: 0o600 });
    const g = await runKubectl(oldWithPort, join(tmp, 'persist-cache2'), ['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.k}']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stdout, 'v');
    assert.equal(await stop(r2), 0);
  });

  test('--storage memory keeps nothing after exit', async () => {
    const dir = join(tmp, 'mem');
    const r1 = await up(['--data-dir', dir, '--port', '0', '--storage', 'memory']);
    assert.equal((await runKubectl(r1.kubeconfig, join(tmp, 'mem-c1'), ['create', 'configmap', 'ephemeral'])).code, 0);
    assert.equal(await stop(r1), 0);
    const r2 = await up(['--data-dir', dir, '--port', '0', '--storage', 'memory']);
    const g = await runKubectl(r2.kubeconfig, join(tmp, 'mem-c2'), ['get', 'configmap', 'ephemeral']);
    assert.equal(g.code, 1);
    assert.equal(g.stderr.trim(), 'Error from server (NotFound): configmaps "ephemeral" not found');
    assert.equal(await stop(r2), 0);
  });

  test('--port 0 runs two clusters at once, each with its own kubeconfig', async () => {
    const [a, b] = await Promise.all([up(['--data-dir', join(tmp, 'a'), '--port', '0', '--name', 'a']), up(['--data-dir', join(tmp, 'b'), '--port', '0', '--name', 'b'])]);
    const pa = /server: (.+)/.exec(readFileSync(a.kubeconfig, 'utf8'))![1];
    const pb = /server: (.+)/.exec(readFileSync(b.kubeconfig, 'utf8'))![1];
    assert.notEqual(pa, pb);
    assert.equal((await runKubectl(a.kubeconfig, join(tmp, 'ca'), ['create', 'ns', 'only-in-a'])).code, 0);
    const inB = await runKubectl(b.kubeconfig, join(tmp, 'cb'), ['get', 'ns', 'only-in-a']);
    assert.equal(inB.code, 1);
    assert.equal(await stop(a), 0);
    assert.equal(await stop(b), 0);
  });

  test('a busy port is one clear line and a non-zero exit', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      const r = await upFails(['--data-dir', join(tmp, 'busy'), '--port', String(port)]);
      assert.equal(r.code, 1);
      const lastLine = r.out.trim().split('\n').pop();
      assert.equal(lastLine, `minikapi: port ${port} on 127.0.0.1 is already in use; stop what is using it or pass --port 0 (or another --port)`);
      assert.doesNotMatch(r.out, /\n\s+at /);
    } finally {
      srv.close();
    }
  });

  test('an unwritable data dir is one clear line and a non-zero exit', async () => {
    const parent = join(tmp, 'ro');
    rmSync(parent, { recursive: true, force: true });
    writeFileSync(parent, 'not a directory');
    const r = await upFails(['--data-dir', join(parent, 'x'), '--port', '0']);
    assert.equal(r.code, 1);
    assert.match(r.out.trim(), /^minikapi: cannot write the data directory .*ro\/x \(ENOTDIR\); choose another with --data-dir or fix its permissions$/);
    chmodSync(parent, 0o600);
  });

  test('a corrupt database is one clear line and a non-zero exit', async () => {
    const dir = join(tmp, 'corrupt');
    const r1 = await up(['--data-dir', dir, '--port', '0']);
    assert.equal(await stop(r1), 0);
    writeFileSync(join(dir, 'state.db'), 'this is not a sqlite database, not at all'.repeat(200));
    rmSync(join(dir, 'state.db-wal'), { force: true });
    rmSync(join(dir, 'state.db-shm'), { force: true });
    const r = await upFails(['--data-dir', dir, '--port', '0']);
    assert.equal(r.code, 1);
    const last = r.out.trim().split('\n').pop()!;
    assert.match(last, /^minikapi: .*state\.db/);
    assert.doesNotMatch(r.out, /\n\s+at /);
  });

  test('-v 3 logs every request as httplog does; --log-format json writes JSON lines; -v 0 logs none', async () => {
    const dir = join(tmp, 'logs');
    const r = await up(['--data-dir', dir, '--port', '0', '--storage', 'memory', '--controllers', 'none', '-v', '3', '--log-format', 'json']);
    const k = await runKubectl(r.kubeconfig, join(dir, 'cache'), ['get', 'namespaces']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(await stop(r), 0);
    const lines = r.out().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const list = lines.find((l) => l.URI === '/api/v1/namespaces?limit=500');
    assert.ok(list, r.out());
    assert.deepEqual(Object.keys(list), ['ts', 'caller', 'msg', 'v', 'verb', 'URI', 'latency', 'userAgent', 'audit-ID', 'srcIP', 'apf_pl', 'apf_fs', 'resp']);
    assert.equal(list.msg, 'HTTP');
    assert.equal(list.v, 3);
    assert.equal(list.verb, 'GET');
    assert.equal(list.resp, 200);
    assert.match(String(list.latency), /^\d+(\.\d+)?(µs|ms|s)$/);
    assert.match(String(list.userAgent), /^kubectl(\.1\.33)?\/v1\.33\.\d+ \(linux\/amd64\) kubernetes\/[0-9a-f]+$/);
    assert.match(String(list.srcIP), /^127\.0\.0\.1:\d+$/);
    // the kubeconfig's user is in system:masters: API Priority and Fairness puts it in the exempt schema and level
    assert.deepEqual([list.apf_pl, list.apf_fs], ['exempt', 'exempt']);
    const quiet = await up(['--data-dir', join(tmp, 'quiet'), '--port', '0', '--storage', 'memory', '--controllers', 'none']);
    assert.equal((await runKubectl(quiet.kubeconfig, join(tmp, 'quiet-cache'), ['get', 'namespaces'])).code, 0);
    assert.equal(await stop(quiet), 0);
    assert.doesNotMatch(quiet.out(), /HTTP/);
  });

  test('--print-kubeconfig writes the kubeconfig alone on stdout once ready, for scripts', async () => {
    const dir = join(tmp, 'printed');
    const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--storage', 'memory', '--controllers', 'none', '--print-kubeconfig', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no kubeconfig:\n${stdout}${stderr}`)), 15_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/^current-context: /m.test(stdout) && stdout.endsWith('\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    try {
      assert.match(stdout, /^apiVersion: v1\n/);
      assert.doesNotMatch(stdout, /ready at|export KUBECONFIG/);
      assert.match(stderr, /^minikapi minikapi ready at https:\/\/127\.0\.0\.1:\d+ in \d+ ms/m);
      const kc = join(tmp, 'printed.kubeconfig');
      writeFileSync(kc, stdout);
      const k = await runKubectl(kc, join(tmp, 'printed-cache'), ['get', 'namespace', 'default', '-o', 'name']);
      assert.equal(k.stdout, 'namespace/default\n', k.stderr);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('kubeconfig --user --group issues a certificate for that user: kubectl acts as them', async () => {
    const dir = join(tmp, 'users');
    const r = await up(['--data-dir', dir, '--port', '0', '--storage', 'memory', '--controllers', 'none', '--nodes', '0']);
    try {
      const kc = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const c = spawn(process.execPath, [BIN, 'kubeconfig', '--data-dir', dir, '--user', 'alice', '--group', 'devs', '--group', 'qa']);
        let out = '';
        let err = '';
        c.stdout.on('data', (d) => (out += d));
        c.stderr.on('data', (d) => (err += d));
        c.on('exit', (code) => resolve({ code, out, err }));
      });
      assert.equal(kc.code, 0, kc.err);
      assert.match(kc.out, /^current-context: alice@minikapi$/m);
      const path = join(tmp, 'alice.kubeconfig');
      writeFileSync(path, kc.out);
      const who = await runKubectl(path, join(tmp, 'alice-cache'), ['auth', 'whoami']);
      assert.equal(who.stdout, 'ATTRIBUTE   VALUE\nUsername    alice\nGroups      [devs qa system:authenticated]\n', who.stderr);
      const denied = await runKubectl(path, join(tmp, 'alice-cache'), ['get', 'secrets']);
      assert.equal(denied.stderr, 'Error from server (Forbidden): secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "default"\n');
    } finally {
      assert.equal(await stop(r), 0);
    }
  });

  test('bad flags are rejected by the command line', async () => {
    const r = await upFails(['--storage', 'floppy']);
    assert.equal(r.code, 1);
    assert.equal(r.out, `error: option '--storage <kind>' argument 'floppy' is invalid. must be "sqlite", "memory" or etcd://host:port[,host:port...][?prefix=/path]\n`);
  });
});

describe('minikapi status and kubeconfig', () => {
  test('status reports a running cluster and its object count; kubeconfig prints the file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'minikapi-status-'));
    const dir = join(tmp, 'd');
    const r = await up(['--data-dir', dir, '--port', '0', '--name', 'st', '--nodes', '0']);
    try {
      const st = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(process.execPath, [BIN, 'status', '--name', 'st', '--data-dir', dir]);
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('exit', (code) => resolve({ code, out }));
      });
      assert.equal(st.code, 0, st.out);
      assert.match(st.out, /^cluster "st": running \(pid \d+\)$/m);
      assert.match(st.out, /^ {2}url: +https:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(st.out, /^ {2}ready: +ok$/m);
      // 4 namespaces with a default ServiceAccount and kube-root-ca.crt each, the kubernetes service with its Endpoints, EndpointSlice and
      // ServiceCIDR, 2 system priority classes, 22 APIServices (21 local, metrics.k8s.io), 21 flow-control objects (8 priority levels, 13 flow schemas), the
      // kube-controller-manager Lease, the bootstrap RBAC policy (66 cluster roles, 47 cluster role
      // bindings, 7 roles, 7 role bindings), the default StorageClass and the 28 kube-system service accounts
      // the controllers run as; no simulated node (--nodes 0)
      assert.match(st.out, /^ {2}objects: +218$/m);
      const kc = await new Promise<string>((resolve) => {
        const c = spawn(process.execPath, [BIN, 'kubeconfig', '--name', 'st', '--data-dir', dir]);
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('exit', () => resolve(out));
      });
      assert.equal(kc, readFileSync(r.kubeconfig, 'utf8'));
    } finally {
      await stop(r);
    }
    const after = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, 'status', '--name', 'st', '--data-dir', dir]);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(after.code, 3);
    assert.match(after.out, /cluster "st": not running/);
    rmSync(tmp, { recursive: true, force: true });
  });
});
