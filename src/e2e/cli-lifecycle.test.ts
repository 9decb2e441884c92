// Named clusters as kind/k3d users drive them, through the built bin/minikapi with HOME in a temp dir:
// up --detach/--wait, list, down, delete, --kubeconfig-merge, --print-kubeconfig, snapshots across
// sqlite, memory and etcd, up --from, history, and the README's GitHub Actions recipe.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { REPO_ROOT, runKubectl } from '../testing/harness.js';
import { BIN } from '../testing/cli.js';
import { alive } from '../cli/cluster-dir.js';
import { startEtcdCluster, type EtcdCluster } from '../testing/etcd-cluster.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let tmp: string;
let home: string;
const started = new Set<string>();

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extra };
  if (!('KUBECONFIG' in extra)) delete e.KUBECONFIG;
  if (!('MINIKAPI_HOME' in extra)) delete e.MINIKAPI_HOME;
  return e;
}

function minikapi(args: string[], extra: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  if (args[0] === 'up') started.add(args[args.indexOf('--name') + 1] ?? 'minikapi');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const r = await minikapi(args, extra);
  assert.equal(r.code, 0, `minikapi ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const dataDir = (name: string) => join(home, '.minikapi', name);
const kubeconfigOf = (name: string) => join(dataDir(name), 'kubeconfig');

async function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  const r = await runKubectl(kubeconfig, join(tmp, 'kubectl-cache'), args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** What a cluster holds that a user made: every configmap, namespace and widget with its uid and data. */
async function userObjects(kubeconfig: string): Promise<string[]> {
  const out: string[] = [];
  for (const r of ['namespaces', 'configmaps', 'widgets.example.com', 'customresourcedefinitions']) {
    const l = JSON.parse(await kubectl(kubeconfig, ['get', r, '-A', '-o', 'json']));
    for (const o of l.items) {
      if (o.metadata.name === 'kube-root-ca.crt') continue;
      out.push(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} ${o.metadata.uid} ${o.metadata.creationTimestamp} ${JSON.stringify(o.data ?? o.spec ?? {})}`);
    }
  }
  return out.sort();
}

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, shortNames: [wd] }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { size: { type: integer } } }
`;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'minikapi-lifecycle-'));
  home = join(tmp, 'home');
  mkdirSync(home);
});

after(async () => {
  for (const name of started) await minikapi(['down', name]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('up --detach, list, down', () => {
  test('detach returns once ready and prints URL, pid, log, kubeconfig and context; list shows it running; down stops it', async () => {
    const r = await minikapi(['up', '--detach', '--wait', '30s', '--port', '0', '--name', 'bg']);
    assert.equal(r.code, 0, r.stderr);
    const dir = dataDir('bg');
    const m = new RegExp(
      `^minikapi bg running at (https://127\\.0\\.0\\.1:\\d+) \\(pid (\\d+)\\), log: ${dir}/minikapi\\.log\\n` +
        `kubeconfig: ${dir}/kubeconfig\\ncontext: bg\\nexport KUBECONFIG=${dir}/kubeconfig\\nstop it with: minikapi down --name bg\\n$`,
    ).exec(r.stdout);
    assert.ok(m, r.stdout);
    const [, url, pid] = m;
    assert.equal(readFileSync(join(dir, 'minikapi.pid'), 'utf8'), `${pid}\n`);
    assert.match(readFileSync(join(dir, 'minikapi.log'), 'utf8'), /minikapi bg ready at/);
    assert.equal((await kubectl(kubeconfigOf('bg'), ['get', 'ns', 'default', '-o', 'name'])).trim(), 'namespace/default');

    const list = await minikapi(['list']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`^NAME   STATE     URL {${url!.length}}STORAGE   AGE\\nbg     running   ${url}   sqlite    \\d+s\\n$`));

    assert.equal(await ok(['down', '--name', 'bg']), `Stopped cluster "bg" (pid ${pid})\n`);
    // gone, or a zombie its adoptive parent has not reaped yet
    assert.equal(alive(Number(pid)), false);
    assert.equal(existsSync(join(dir, 'minikapi.pid')), false);
    assert.match(await ok(['list']), /^NAME   STATE     URL   STORAGE   AGE\nbg     stopped   -     sqlite    \d+s\n$/);
    assert.equal(await ok(['down', 'bg']), 'Cluster "bg" is not running\n');
  });

  test('a detached cluster keeps its objects across down and up', async () => {
    await ok(['up', '--detach', '--port', '0', '--name', 'keep']);
    await kubectl(kubeconfigOf('keep'), ['create', 'configmap', 'kept', '--from-literal=k=v']);
    await ok(['down', 'keep']);
    await ok(['up', '--detach', '--port', '0', '--name', 'keep']);
    assert.equal(await kubectl(kubeconfigOf('keep'), ['get', 'cm', 'kept', '-o', 'jsonpath={.data.k}']), 'v');
    const again = await minikapi(['up', '--detach', '--port', '0', '--name', 'keep']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^minikapi: cluster "keep" is already running \(pid \d+ at https:\/\/127\.0\.0\.1:\d+\); stop it with: minikapi down --name keep\n$/);
    await ok(['down', 'keep']);
  });

  test('--wait times out with an error naming the log file, and the server is stopped', async () => {
    const r = await minikapi(['up', '--detach', '--wait', '1ms', '--port', '0', '--name', 'slow']);
    assert.equal(r.code, 1);
    const log = join(dataDir('slow'), 'minikapi.log');
    assert.equal(r.stderr.split('\n')[0], `minikapi: cluster "slow" was not ready within 0.001s; see its log: ${log}`);
    assert.equal(existsSync(join(dataDir('slow'), 'minikapi.pid')), false);
    assert.match(await ok(['list']), /\nslow   stopped   -     /);
  });

  test('a server that exits during start-up is reported with the end of its log', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await minikapi(['up', '--detach', '--port', String(port), '--name', 'busy']);
      assert.equal(r.code, 1);
      const log = join(dataDir('busy'), 'minikapi.log');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines[0], `minikapi: cluster "busy" exited (code 1) before it was ready; see its log: ${log}`);
      assert.equal(lines[lines.length - 1], `  | minikapi: port ${port} on 127.0.0.1 is already in use; stop what is using it or pass --port 0 (or another --port)`);
    } finally {
      busy.close();
    }
  });

  test('$MINIKAPI_HOME holds the clusters when set', async () => {
    const alt = join(tmp, 'alt-home');
    const r = await minikapi(['list'], { MINIKAPI_HOME: alt });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', 'No minikapi clusters found.\n']);
    await ok(['up', '--detach', '--port', '0', '--name', 'elsewhere', '--storage', 'memory'], { MINIKAPI_HOME: alt });
    assert.ok(existsSync(join(alt, 'elsewhere', 'kubeconfig')));
    assert.match(await ok(['list'], { MINIKAPI_HOME: alt }), /^NAME        STATE     URL +STORAGE   AGE\nelsewhere   running   https:\/\/127\.0\.0\.1:\d+   memory    \d+s\n$/);
    assert.equal(await ok(['delete', 'elsewhere'], { MINIKAPI_HOME: alt }), 'Deleted cluster "elsewhere"\n');
    assert.equal(existsSync(join(alt, 'elsewhere')), false);
  });
});

describe('--kubeconfig-merge and delete', () => {
  test('merges minikapi-<name> into $KUBECONFIG\'s first file keeping other entries; delete takes it out and removes the data directory', async () => {
    const kdir = join(tmp, 'kube');
    mkdirSync(kdir);
    const file = join(kdir, 'config');
    const other = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'prod', cluster: { server: 'https://prod.example:6443' } }],
      users: [{ name: 'prod-admin', user: { token: 'secret' } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod-admin', namespace: 'apps' } }],
      'current-context': 'prod',
      preferences: {},
    };
    writeFileSync(file, JSON.stringify(other), { mode: 0o600 });
    const KUBECONFIG = `${file}:${join(kdir, 'second')}`;
    const out = await ok(['up', '--detach', '--port', '0', '--name', 'merged', '--kubeconfig-merge'], { KUBECONFIG });
    assert.match(out, new RegExp(`\\nkubeconfig: ${file} \\(merged, current context\\)\\ncontext: minikapi-merged\\nstop it with: minikapi down --name merged\\n$`));
    const cfg = parseYAML(readFileSync(file, 'utf8'));
    assert.equal(cfg['current-context'], 'minikapi-merged');
    assert.deepEqual(cfg.clusters.map((c: { name: string }) => c.name), ['prod', 'minikapi-merged']);
    assert.deepEqual(cfg.users.map((c: { name: string }) => c.name), ['prod-admin', 'minikapi-merged']);
    assert.deepEqual(cfg.contexts[0], other.contexts[0]);
    assert.deepEqual(cfg.contexts[1], { name: 'minikapi-merged', context: { cluster: 'minikapi-merged', user: 'minikapi-merged' } });
    assert.deepEqual(cfg.users[0], other.users[0]);
    // kubectl through the merged file and its current context
    assert.equal((await kubectl(file, ['get', 'ns', 'kube-system', '-o', 'name'])).trim(), 'namespace/kube-system');
    assert.equal(existsSync(join(kdir, 'second')), false);

    const del = await ok(['delete', '--name', 'merged'], { KUBECONFIG });
    assert.equal(del, `Removed context "minikapi-merged" from ${file}\nDeleted cluster "merged"\n`);
    assert.deepEqual(parseYAML(readFileSync(file, 'utf8')), { ...other, 'current-context': '' });
    assert.equal(existsSync(dataDir('merged')), false);
    assert.doesNotMatch(await ok(['list']), /merged/);
    const again = await minikapi(['delete', 'merged']);
    assert.deepEqual([again.code, again.stderr], [1, `minikapi: no cluster "merged" (no data directory ${dataDir('merged')})\n`]);
  });

  test('without $KUBECONFIG the merge goes to ~/.kube/config, created with only the cluster\'s entries', async () => {
    await ok(['up', '--detach', '--port', '0', '--name', 'home', '--kubeconfig-merge']);
    const file = join(home, '.kube', 'config');
    const cfg = parseYAML(readFileSync(file, 'utf8'));
    assert.deepEqual(Object.keys(cfg), ['apiVersion', 'clusters', 'contexts', 'current-context', 'kind', 'preferences', 'users']);
    assert.equal(cfg['current-context'], 'minikapi-home');
    assert.equal(await ok(['delete', 'home']), `Removed context "minikapi-home" from ${file}\nDeleted cluster "home"\n`);
    assert.deepEqual(parseYAML(readFileSync(file, 'utf8')), { apiVersion: 'v1', clusters: [], contexts: [], 'current-context': '', kind: 'Config', preferences: {}, users: [] });
  });
});

describe('--print-kubeconfig', () => {
  test('prints only the kubeconfig on standard output once ready, the start-up lines on standard error', async () => {
    const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--storage', 'memory', '--print-kubeconfig', '--name', 'printed'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no kubeconfig on stdout:\n${stdout}\n${stderr}`)), 30_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.endsWith('preferences: {}\n')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    try {
      assert.equal(stdout, readFileSync(kubeconfigOf('printed'), 'utf8'));
      assert.match(stdout, /^apiVersion: v1\nkind: Config\nclusters:\n {2}- name: printed\n/);
      assert.match(stderr, /^minikapi printed ready at https:\/\/127\.0\.0\.1:\d+ in \d+ ms/m);
      const file = join(tmp, 'printed.kubeconfig');
      writeFileSync(file, stdout, { mode: 0o600 });
      assert.equal((await kubectl(file, ['get', 'ns', 'default', '-o', 'name'])).trim(), 'namespace/default');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  });
});

describe('snapshots and up --from', () => {
  let etcd: EtcdCluster;
  let snap: string;
  let before: string[];
  after(async () => {
    await etcd?.stop();
  });

  test('snapshot save of a running sqlite cluster, restore into a new cluster, and up --from into memory keep every object', async () => {
    await ok(['up', '--detach', '--port', '0', '--name', 'laptop']);
    const kc = kubeconfigOf('laptop');
    await kubectl(kc, ['create', 'ns', 'team']);
    await kubectl(kc, ['-n', 'team', 'create', 'configmap', 'settings', '--from-literal=mode=dev']);
    const crdFile = join(tmp, 'crd.yaml');
    writeFileSync(crdFile, CRD);
    await kubectl(kc, ['apply', '-f', crdFile]);
    const widget = join(tmp, 'widget.yaml');
    writeFileSync(widget, 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1, namespace: team }\nspec: { size: 3 }\n');
    for (let i = 0; i < 50; i++) if ((await runKubectl(kc, join(tmp, 'kubectl-cache'), ['apply', '-f', widget])).code === 0) break;
    before = await userObjects(kc);
    assert.ok(before.some((l) => l.startsWith('Widget team/w1 ')), before.join('\n'));

    snap = join(tmp, 'laptop.snap');
    const saved = await ok(['snapshot', 'save', snap, '--name', 'laptop']);
    const m = /^Saved (\d+) keys of cluster "laptop" at revision (\d+) to (.+) \((\d+) bytes\)\n$/.exec(saved);
    assert.ok(m, saved);
    assert.equal(m[3], snap);
    const lines = readFileSync(snap, 'utf8').trimEnd().split('\n');
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!)), ['format', 'version', 'revision', 'storage', 'created']);
    assert.deepEqual({ ...JSON.parse(lines[0]!), created: '' }, { format: 'minikapi-snapshot', version: 1, revision: Number(m[2]), storage: 'sqlite', created: '' });
    assert.deepEqual(JSON.parse(lines[lines.length - 1]!), { end: true, keys: Number(m[1]) });
    assert.equal(lines.length, Number(m[1]) + 2);

    const restored = await ok(['snapshot', 'restore', snap, '--name', 'copy']);
    assert.match(restored, new RegExp(`^Restored ${m[1]} keys \\(revision ${m[2]} of the sqlite store they came from\\) into cluster "copy", now at revision \\d+\\nstart it with: minikapi up --name copy\\n$`));
    const twice = await minikapi(['snapshot', 'restore', snap, '--name', 'copy']);
    assert.deepEqual([twice.code, twice.stderr], [1, `minikapi: restore into cluster "copy" failed: the target store is not empty (${m[1]} keys); a snapshot is restored into an empty store only\n`]);
    await ok(['up', '--detach', '--port', '0', '--name', 'copy']);
    assert.deepEqual(await userObjects(kubeconfigOf('copy')), before);
    await ok(['down', 'copy']);

    await ok(['up', '--detach', '--port', '0', '--name', 'mem', '--storage', 'memory', '--from', snap]);
    assert.deepEqual(await userObjects(kubeconfigOf('mem')), before);
    assert.match(readFileSync(join(dataDir('mem'), 'minikapi.log'), 'utf8'), new RegExp(`^ +seed \\(${m[1]} keys\\) +\\d+\\.\\d ms$`, 'm'));
    await ok(['down', 'mem']);

    const memSave = await minikapi(['snapshot', 'save', join(tmp, 'x.snap'), '--name', 'mem']);
    assert.deepEqual([memSave.code, memSave.stderr], [1, 'minikapi: cluster "mem" keeps its state in memory, which only its own process can read; start it with --storage sqlite or etcd://… to use this command\n']);
    await ok(['up', '--detach', '--port', '0', '--name', 'laptop2', '--from', snap]);
    assert.deepEqual(await userObjects(kubeconfigOf('laptop2')), before);
    await ok(['down', 'laptop2']);
    const seedTwice = await minikapi(['up', '--port', '0', '--name', 'laptop2', '--from', snap]);
    assert.equal(seedTwice.code, 1);
    assert.match(seedTwice.stderr, new RegExp(`^minikapi: --from ${snap}: the store of cluster "laptop2" is not empty \\(\\d+ keys\\): --from seeds a new cluster only; delete this one first \\(minikapi delete --name laptop2\\) or choose another --name\\n$`));
    await ok(['down', 'laptop']);
  });

  test('laptop → etcd → laptop keeps every object', async () => {
    etcd = await startEtcdCluster(1);
    const storage = `etcd://${etcd.endpoints[0]!.replace('http://', '')}?prefix=/moved`;
    const restored = await ok(['snapshot', 'restore', snap, '--storage', storage]);
    assert.match(restored, new RegExp(`^Restored \\d+ keys \\(revision \\d+ of the sqlite store they came from\\) into ${storage.replace(/[?/.]/g, '\\$&')}, now at revision \\d+\\n$`));
    await ok(['up', '--detach', '--port', '0', '--name', 'team', '--storage', storage]);
    const kc = kubeconfigOf('team');
    assert.deepEqual(await userObjects(kc), before);
    await kubectl(kc, ['-n', 'team', 'create', 'configmap', 'made-on-etcd', '--from-literal=where=etcd']);
    const after = await userObjects(kc);
    assert.match(await ok(['list']), new RegExp(`\\nteam +running +https://127\\.0\\.0\\.1:\\d+ +${storage.replace(/[?/.]/g, '\\$&')} +\\d+s\\n`));

    const back = join(tmp, 'back.snap');
    assert.match(await ok(['snapshot', 'save', back, '--storage', storage]), new RegExp(`^Saved \\d+ keys of ${storage.replace(/[?/.]/g, '\\$&')} at revision \\d+ to ${back} \\(\\d+ bytes\\)\\n$`));
    assert.equal(JSON.parse(readFileSync(back, 'utf8').split('\n')[0]!).storage, 'etcd');
    await ok(['down', 'team']);
    await ok(['up', '--detach', '--port', '0', '--name', 'home-again', '--from', back]);
    assert.deepEqual(await userObjects(kubeconfigOf('home-again')), after);
    await ok(['down', 'home-again']);
  });

  test('up --from a directory of manifests applies namespaces and CRDs before what needs them', async () => {
    const dir = join(tmp, 'manifests');
    mkdirSync(dir);
    // file names put the custom resource and the configmap before their namespace and CRD
    writeFileSync(join(dir, 'a-widget.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w9, namespace: shop }\nspec: { size: 9 }\n');
    writeFileSync(join(dir, 'b-config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg, namespace: shop }\ndata: { a: "1" }\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: cfg2, namespace: shop }\n');
    writeFileSync(join(dir, 'c-crd.yaml'), CRD);
    writeFileSync(join(dir, 'd-ns.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }));
    writeFileSync(join(dir, 'README.md'), 'not a manifest');
    const out = await ok(['up', '--detach', '--port', '0', '--name', 'seeded', '--from', dir]);
    assert.match(out, new RegExp(`\\napplied 5 objects from ${dir}\\n`));
    const kc = kubeconfigOf('seeded');
    assert.equal(await kubectl(kc, ['-n', 'shop', 'get', 'wd', 'w9', '-o', 'jsonpath={.spec.size}']), '9');
    assert.equal(await kubectl(kc, ['-n', 'shop', 'get', 'cm', 'cfg', '-o', 'jsonpath={.metadata.managedFields[0].manager}/{.metadata.managedFields[0].operation}']), 'kubectl/Apply');
    assert.equal((await kubectl(kc, ['-n', 'shop', 'get', 'cm', 'cfg2', '-o', 'name'])).trim(), 'configmap/cfg2');
    await ok(['down', 'seeded']);
  });
});

describe('history', () => {
  test('prints every revision with time, manager and a YAML diff; a deleted object ends with its delete', async () => {
    await ok(['up', '--detach', '--port', '0', '--name', 'hist']);
    const kc = kubeconfigOf('hist');
    // the revisions each write made (controllers write in between, so they need not be consecutive)
    const rvNow = () => kubectl(kc, ['get', 'configmap', 'demo', '-o', 'jsonpath={.metadata.resourceVersion}']);
    await kubectl(kc, ['create', 'configmap', 'demo', '--from-literal=k=v1']);
    const rv1 = await rvNow();
    await kubectl(kc, ['patch', 'configmap', 'demo', '-p', '{"data":{"k":"v2"}}']);
    const rv2 = await rvNow();
    await kubectl(kc, ['label', 'configmap', 'demo', 'tier=web']);
    const rv3 = await rvNow();
    const obj = JSON.parse(await kubectl(kc, ['get', 'cm', 'demo', '-o', 'json']));
    const uid = obj.metadata.uid;
    const norm = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIME');
    const expected = [
      'configmaps "demo" in namespace "default": 3 revisions in the log',
      '',
      `revision ${rv1}  TIME  kubectl-create  created`,
      '+kind: ConfigMap',
      '+apiVersion: v1',
      '+metadata:',
      '+  name: demo',
      '+  namespace: default',
      `+  uid: ${uid}`,
      '+  creationTimestamp: TIME',
      '+data:',
      '+  k: v1',
      '',
      `revision ${rv2}  TIME  kubectl-patch  updated`,
      '@@ -6,4 +6,4 @@',
      `   uid: ${uid}`,
      '   creationTimestamp: TIME',
      ' data:',
      '-  k: v1',
      '+  k: v2',
      '',
      `revision ${rv3}  TIME  kubectl-label  updated`,
      '@@ -5,5 +5,7 @@',
      '   namespace: default',
      `   uid: ${uid}`,
      '   creationTimestamp: TIME',
      '+  labels:',
      '+    tier: web',
      ' data:',
      '   k: v2',
      '',
    ].join('\n');
    assert.equal(norm(await ok(['history', 'cm/demo', '--name', 'hist'])), expected);
    assert.equal(norm(await ok(['history', 'configmaps/demo', '-n', 'default', '--name', 'hist'])), expected);

    await kubectl(kc, ['delete', 'configmap', 'demo']);
    const gone = norm(await ok(['history', 'configmap/demo', '--name', 'hist']));
    const del = /\nrevision (\d+) {2}- {2}- {2}deleted\n$/.exec(gone);
    assert.ok(del && Number(del[1]) > Number(rv3), gone);
    assert.equal(gone, expected.replace('3 revisions', '4 revisions') + `\nrevision ${del[1]}  -  -  deleted\n`);

    const missing = await minikapi(['history', 'cm/nothing', '--name', 'hist']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'minikapi: configmaps "nothing" in namespace "default" has no revision in the log of cluster "hist"\n']);
    const unknown = await minikapi(['history', 'gizmo/x', '--name', 'hist']);
    assert.deepEqual([unknown.code, unknown.stderr], [1, 'minikapi: the server doesn\'t have a resource type "gizmo"\n']);
    const ns = await ok(['history', 'ns/kube-system', '--name', 'hist']);
    assert.match(ns, /^namespaces "kube-system": \d+ revisions? in the log\n\nrevision \d+ {2}\S+ {2}\S+ {2}created\n\+kind: Namespace\n/);
    await ok(['down', 'hist']);
  });
});

describe('the README\'s GitHub Actions recipe', () => {
  test('its steps run as written, with npx minikapi replaced by the built bin/minikapi', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /<!-- ci-recipe:[^\n]*-->\n```yaml\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'the README has a ci-recipe yaml block');
    const steps = (parseYAML(block[1]!).jobs.e2e.steps as { run?: string; name?: string }[]).filter((s) => s.run);
    assert.deepEqual(steps.map((s) => s.name), ['Start a Kubernetes API server', 'Use it', 'Stop it']);
    const ciHome = join(tmp, 'ci-home');
    mkdirSync(ciHome);
    const outputs: string[] = [];
    for (const s of steps) {
      const script = s.run!.replaceAll('npx minikapi', `${process.execPath} ${BIN}`);
      const r = await new Promise<Run>((resolve) => {
        const child = spawn('bash', ['-e', '-c', script], { cwd: tmp, env: { ...env(), HOME: ciHome, KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(r.code, 0, `step "${s.name}":\n${r.stdout}\n${r.stderr}`);
      outputs.push(r.stdout);
    }
    assert.match(outputs[0]!, /^minikapi minikapi running at https:\/\/127\.0\.0\.1:\d+ \(pid \d+\), log: .*\nkubeconfig: .*\/\.kube\/config \(merged, current context\)\ncontext: minikapi-minikapi\n/);
    assert.match(outputs[1]!, /^NAME +STATUS +AGE\ndefault +Active +\d+s\nnamespace\/ci created\nconfigmap\/settings created\ntest$/);
    assert.match(outputs[2]!, /^Stopped cluster "minikapi" \(pid \d+\)\n$/);
  });
});
