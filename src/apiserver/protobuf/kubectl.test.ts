// Captures the protobuf bodies real kubectl 1.33 sends and checks they decode to the JSON kubectl itself prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtobufObject, isProtobufContentType } from './decode.js';
import { parseAllDocuments } from 'yaml';
import { csrFixture, rbacManifests, richJobSpec } from './kubectl-fixtures.test.js';
import {
  dropNullCreationTimestamps, findKubectl, podList, respond, selfSignedCert, type Captured, type Obj,
} from './kubectl-server.test.js';

interface Case {
  args: string[];
  /** arguments after `--` */
  tail?: string[];
  /** expected decoded bodies; without it the command is re-run with --dry-run=client -o json for the expectation */
  expect?: Obj[];
  /** the command has no --dry-run flag; `check` judges the bodies alone */
  noDryRun?: boolean;
  /** kubectl 1.33 sends this command's body as JSON after all */
  expectJson?: Obj[];
  check?: (bodies: Obj[], dryRun?: Obj) => void;
}


test('kubectl 1.33 protobuf request bodies decode to the JSON kubectl prints', { timeout: 60_000 }, async (t) => {
  const kubectl = findKubectl();
  const tmp = mkdtempSync(join(tmpdir(), 'minikapi-pb-'));
  const { key, cert } = selfSignedCert();
  const captured = new Map<string, Captured[]>();
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://x');
      const contentType = req.headers['content-type'] ?? '';
      const token = (req.headers['authorization'] ?? '').replace(/^Bearer /, '');
      const entry: Captured = { method: req.method ?? '', path: url.pathname, contentType };
      if (isProtobufContentType(contentType)) {
        try {
          entry.decoded = decodeProtobufObject(Buffer.concat(chunks));
        } catch (e) {
          entry.error = (e as Error).message;
        }
      } else if (contentType === 'application/json') {
        entry.json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Obj;
      }
      if (!captured.has(token)) captured.set(token, []);
      captured.get(token)!.push(entry);
      const list = req.method === 'GET' ? podList(url.pathname, url.searchParams) : undefined;
      const [code, reply] = list ? [200, list] : respond(entry.method, url.pathname, entry.decoded ?? entry.json);
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  const port = (server.address() as { port: number }).port;
  const kubeconfig = join(tmp, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    clusters: [{ name: 'c', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: 'unused' } }],
    contexts: [{ name: 'c', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
  }));
  const file = (name: string, data: string | Uint8Array) => {
    const p = join(tmp, name);
    writeFileSync(p, data);
    return p;
  };
  const certFile = file('tls.crt', cert);
  const keyFile = file('tls.key', key);
  const binFile = file('bin', Uint8Array.from([0xff, 0xfe, 0x00, 0x01]));
  const txtFile = file('txt', 'hello\n');
  const rbacFile = file('rbac.yaml', rbacManifests);

  const cases: Record<string, Case> = {
    namespace: { args: ['create', 'namespace', 'ns1'] },
    configmap: { args: ['create', 'configmap', 'cm1', '--from-literal=a=b', `--from-file=bin=${binFile}`, `--from-file=txt=${txtFile}`] },
    'secret generic': { args: ['create', 'secret', 'generic', 's1', '--from-literal=user=admin', `--from-file=bin=${binFile}`, '--type=Opaque'] },
    'secret tls': { args: ['create', 'secret', 'tls', 'tls1', `--cert=${certFile}`, `--key=${keyFile}`] },
    'secret docker-registry': { args: ['create', 'secret', 'docker-registry', 'reg1', '--docker-server=r.example.com',
      '--docker-username=u', '--docker-password=p', '--docker-email=e@example.com'] },
    'service clusterip': { args: ['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080', '--tcp=443:https'] },
    'service clusterip headless': { args: ['create', 'service', 'clusterip', 'headless', '--clusterip=None'] },
    'service nodeport': { args: ['create', 'service', 'nodeport', 'np1', '--tcp=80:8080', '--node-port=30080'] },
    'service loadbalancer': { args: ['create', 'service', 'loadbalancer', 'lb1', '--tcp=443:8443'] },
    'service externalname': { args: ['create', 'service', 'externalname', 'en1', '--external-name=example.com', '--tcp=80'] },
    deployment: { args: ['create', 'deployment', 'd1', '--image=nginx', '--replicas=0', '--port=80'] },
    'deployment two images': { args: ['create', 'deployment', 'd2', '--image=nginx', '--image=busybox:1.36', '--replicas=3'] },
    job: { args: ['create', 'job', 'j1', '--image=busybox'], tail: ['echo', 'hi'] },
    cronjob: { args: ['create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/5 * * * *', '--restart=OnFailure'], tail: ['date'] },
    'job from rich cronjob': {
      args: ['create', 'job', 'from-rich', '--from=cronjob/rich'],
      check: (_bodies, dryRun) => assert.deepEqual((dryRun as Obj)['spec'], richJobSpec, 'fixture is not in the form kubectl 1.33 prints'),
    },
    role: { args: ['create', 'role', 'r1', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=x'] },
    clusterrole: { args: ['create', 'clusterrole', 'cr1', '--verb=get', '--non-resource-url=/healthz', '--non-resource-url=/metrics'] },
    'clusterrole aggregated': { args: ['create', 'clusterrole', 'agg1', '--aggregation-rule=rbac.example.com/aggregate-to-admin=true'] },
    rolebinding: { args: ['create', 'rolebinding', 'rb1', '--role=r1', '--user=alice', '--group=devs', '--serviceaccount=default:sa1'] },
    clusterrolebinding: { args: ['create', 'clusterrolebinding', 'crb1', '--clusterrole=cr1', '--user=bob'] },
    ingress: { args: ['create', 'ingress', 'ing1', '--class=nginx', '--rule=foo.com/bar*=svc:8080,tls=my-cert', '--rule=bar.com/=svc2:http',
      '--default-backend=defsvc:80', '--annotation=a=b'] },
    'pdb min-available': { args: ['create', 'poddisruptionbudget', 'pdb1', '--selector=app=x', '--min-available=50%'] },
    'pdb max-unavailable': { args: ['create', 'pdb', 'pdb2', '--selector=app=y', '--max-unavailable=1'] },
    priorityclass: { args: ['create', 'priorityclass', 'pc1', '--value=1000', '--description=hi', '--preemption-policy=Never'] },
    'priorityclass zero': { args: ['create', 'priorityclass', 'pc0', '--value=0', '--global-default=true'] },
    quota: { args: ['create', 'quota', 'q1', '--hard=cpu=1,memory=1Gi,pods=10,requests.storage=10Gi', '--scopes=BestEffort,NotTerminating'] },
    serviceaccount: { args: ['create', 'serviceaccount', 'sa1'] },
    autoscale: {
      args: ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'],
      check: (bodies, dryRun) => {
        assert.deepEqual(bodies[0], dryRun);
        assert.deepEqual(bodies[1], {
          kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v1', metadata: { name: 'web' },
          spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 80 },
          status: { currentReplicas: 0, desiredReplicas: 0 },
        });
      },
    },
    token: {
      args: ['create', 'token', 'sa1', '--audience=a1', '--audience=a2', '--duration=1h', '--bound-object-kind=Pod',
        '--bound-object-name=p1', '--bound-object-uid=uid-1'],
      expect: [{
        kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: {},
        spec: { audiences: ['a1', 'a2'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'uid-1' } },
        status: { token: '', expirationTimestamp: null },
      }],
    },
    whoami: { args: ['auth', 'whoami'], expect: [{ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: {}, status: { userInfo: {} } }] },
    'can-i resource': {
      args: ['auth', 'can-i', 'update', 'deployments.apps', '--subresource=scale', '-n', 'team'],
      expect: [{
        kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {},
        spec: { resourceAttributes: { namespace: 'team', verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale' } },
        status: { allowed: false },
      }],
    },
    'can-i non-resource': {
      args: ['auth', 'can-i', 'get', '/logs'],
      expect: [{ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {},
        spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } }, status: { allowed: false } }],
    },
    'can-i --list': {
      args: ['auth', 'can-i', '--list', '-n', 'team'],
      expect: [{ kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: { namespace: 'team' },
        status: { resourceRules: null, nonResourceRules: null, incomplete: false } }],
    },
    // Evict() posts through the bare REST client, whose default content type is still JSON in 1.33.
    'drain (eviction)': {
      args: ['drain', 'n1', '--force', '--grace-period=7', '--timeout=20s'],
      expectJson: [{ kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'p-n1', namespace: 'default' },
        deleteOptions: { gracePeriodSeconds: 7 } }],
    },
    'drain (delete)': {
      args: ['drain', 'n2', '--force', '--disable-eviction', '--grace-period=3', '--timeout=20s'],
      expect: [{ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 3 }],
    },
    // reconcile ensures the namespace exists first, and creates it when the GET answers 404.
    'auth reconcile': {
      args: ['auth', 'reconcile', '-f', rbacFile],
      noDryRun: true,
      check: (bodies) => {
        const team = { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'team' }, spec: {}, status: {} };
        assert.deepEqual(bodies.filter((b) => b['kind'] === 'Namespace'), [team, team]);
        assert.deepEqual(bodies.filter((b) => b['kind'] !== 'Namespace'), parseAllDocuments(rbacManifests).map((d) => d.toJS()));
      },
    },
    'debug node': {
      args: ['debug', 'node/n1', '--image=busybox:1.36', '--profile=sysadmin', '--env=A=1'],
      noDryRun: true,
      check: (bodies) => {
        assert.equal(bodies.length, 1);
        const spec = bodies[0]!['spec'] as Obj;
        assert.equal(bodies[0]!['kind'], 'Pod');
        assert.equal(spec['nodeName'], 'n1');
        assert.deepEqual(spec['volumes'], [{ name: 'host-root', hostPath: { path: '/' } }]);
        const c = (spec['containers'] as Obj[])[0]!;
        assert.equal(c['image'], 'busybox:1.36');
        assert.deepEqual(c['env'], [{ name: 'A', value: '1' }]);
        assert.deepEqual(c['securityContext'], { privileged: true });
      },
    },
    'certificate approve': {
      args: ['certificate', 'approve', 'csr1'],
      noDryRun: true,
      check: (bodies) => {
        const got = bodies[0]!;
        const conditions = (got['status'] as Obj)['conditions'] as Obj[];
        assert.match(String(conditions[0]?.['lastUpdateTime']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.deepEqual(got, { ...csrFixture, status: { conditions: [{
          type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.',
          lastUpdateTime: conditions[0]?.['lastUpdateTime'], lastTransitionTime: null,
        }] } });
      },
    },
  };

  let seq = 0;
  const run = (token: string, args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const full = ['--kubeconfig', kubeconfig, '--cache-dir', join(tmp, `cache-${seq++}`), `--token=${token}`, '--request-timeout=20s', ...args];
    execFile(kubectl, full, { timeout: 30_000, env: { PATH: process.env['PATH'] ?? '', HOME: tmp } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
  const names = Object.keys(cases);
  const jobs: Array<() => Promise<void>> = [];
  const results = new Map<string, { real?: Awaited<ReturnType<typeof run>>; dry?: Awaited<ReturnType<typeof run>> }>();
  for (const [i, name] of names.entries()) {
    const c = cases[name]!;
    const r: { real?: Awaited<ReturnType<typeof run>>; dry?: Awaited<ReturnType<typeof run>> } = {};
    results.set(name, r);
    const tail = c.tail ? ['--', ...c.tail] : [];
    jobs.push(async () => { r.real = await run(`case-${i}`, [...c.args, ...tail]); });
    if (!c.expect && !c.expectJson && !c.noDryRun) jobs.push(async () => { r.dry = await run(`dry-${i}`, [...c.args, '--dry-run=client', '-o', 'json', ...tail]); });
  }
  const workers = Array.from({ length: 8 }, async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await job();
  });
  await Promise.all(workers);

  for (const [i, name] of names.entries()) {
    await t.test(name, () => {
      const c = cases[name]!;
      const r = results.get(name)!;
      assert.equal(r.real?.code, 0, `kubectl ${c.args.join(' ')} failed: ${r.real?.stderr}\n${JSON.stringify(captured.get(`case-${i}`))}`);
      const all = captured.get(`case-${i}`) ?? [];
      if (c.expectJson) {
        const sent = all.filter((x) => x.json).map((x) => dropNullCreationTimestamps(x.json));
        assert.deepEqual(sent, c.expectJson);
        return;
      }
      const reqs = all.filter((x) => isProtobufContentType(x.contentType));
      assert.ok(reqs.length > 0, 'kubectl sent no protobuf body');
      for (const x of reqs) assert.equal(x.error, undefined, `${x.method} ${x.path}: ${x.error}`);
      const bodies = reqs.map((x) => x.decoded!);
      let dryRun: Obj | undefined;
      if (r.dry) {
        assert.equal(r.dry.code, 0, `dry run failed: ${r.dry.stderr}`);
        dryRun = dropNullCreationTimestamps(JSON.parse(r.dry.stdout)) as Obj;
      }
      if (c.check) c.check(bodies, dryRun);
      else assert.deepEqual(bodies, c.expect ?? [dryRun]);
    });
  }
});
