// Admission webhooks as kube-apiserver calls them: matching by rules and selectors, the AdmissionReview
// sent, JSONPatch mutations, refusals and failures in upstream's words, failurePolicy, dry run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, issueServingCert } from '../pki/certs.js';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Review = { request: Record<string, any> };

describe('admission webhooks', () => {
  let c: TestCluster;
  let hook: Server;
  let port = 0;
  let caBundle = '';
  const seen: { path: string; request: Record<string, any> }[] = [];
  let auditDir = '';

  before(async () => {
    const ca = createCa({ commonName: 'webhook-ca' });
    const serving = issueServingCert(ca, { hosts: ['127.0.0.1', 'hook.webhooks.svc'] });
    caBundle = Buffer.from(ca.certPem).toString('base64');
    hook = createServer({ key: serving.keyPem, cert: serving.certPem }, (req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const review = JSON.parse(body) as Review;
        const path = req.url!.split('?')[0]!;
        seen.push({ path: req.url!, request: review.request });
        const r = review.request;
        let response: Record<string, unknown> = { uid: r.uid, allowed: true };
        if (path === '/mutate') {
          const patch = [{ op: 'add', path: '/metadata/labels', value: { ...(r.object.metadata.labels ?? {}), mutated: 'yes' } }];
          response = { ...response, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64'), warnings: ['mutated by test'] };
        } else if (path === '/validate') {
          const data = r.object?.data ?? {};
          response.auditAnnotations = { checked: 'yes' };
          if (data.forbidden) response = { uid: r.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: 'forbidden key' } };
          else if (data.silent) response = { uid: r.uid, allowed: false };
          else if (r.operation === 'DELETE' && r.oldObject?.metadata?.labels?.keep === 'true') response = { uid: r.uid, allowed: false, status: { code: 422, message: 'kept' } };
        } else if (path === '/count') {
          const labels = Object.keys(r.object.metadata.labels ?? {}).length;
          const patch = [{ op: 'add', path: '/metadata/annotations', value: { labels: String(labels) } }];
          response = { ...response, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
        } else if (path === '/addlabel') {
          const patch = [{ op: 'add', path: '/metadata/labels/added', value: 'yes' }];
          response = { ...response, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
        } else if (path === '/hpa-v1') {
          const patch = [{ op: 'add', path: '/spec/targetCPUUtilizationPercentage', value: 70 }];
          response = { ...response, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
        } else if (path === '/wrong-uid') {
          response = { uid: 'nope', allowed: true };
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    port = (hook.address() as AddressInfo).port;
    auditDir = mkdtempSync(join(tmpdir(), 'minikapi-hook-audit-'));
    writeFileSync(join(auditDir, 'policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: RequestResponse\n  namespaces: ["audited"]\n  resources: [{group: "", resources: ["configmaps", "secrets"]}]\n- level: None\n');
    c = await startTestCluster({ controllers: 'none', auditLogPath: join(auditDir, 'audit.log'), auditPolicyFile: join(auditDir, 'policy.yaml') });
    await c.k(['create', 'namespace', 'hooked']);
    await c.k(['label', 'namespace', 'hooked', 'hooks=on']);
    await c.k(['create', 'namespace', 'plain']);
    // the validating webhook is reached as a Service whose Endpoints point at the test's server
    await c.k(['create', 'namespace', 'webhooks']);
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hook', namespace: 'webhooks' }, spec: { ports: [{ port: 443, targetPort: port }] } },
          { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'hook', namespace: 'webhooks' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port }] }] },
        ],
      }),
    });
    const rules = [{ operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'MutatingWebhookConfiguration',
            metadata: { name: 'mutate' },
            webhooks: [{ name: 'mutate.example.com', clientConfig: { url: `https://127.0.0.1:${port}/mutate`, caBundle }, rules: [{ ...rules[0], operations: ['CREATE'] }], namespaceSelector: { matchLabels: { hooks: 'on' } }, sideEffects: 'None', admissionReviewVersions: ['v1'] }],
          },
          {
            apiVersion: 'admissionregistration.k8s.io/v1',
            kind: 'ValidatingWebhookConfiguration',
            metadata: { name: 'validate' },
            webhooks: [
              {
                name: 'deny.example.com',
                clientConfig: { service: { namespace: 'webhooks', name: 'hook', path: '/validate' }, caBundle },
                rules,
                namespaceSelector: { matchLabels: { hooks: 'on' } },
                matchConditions: [{ name: 'not-skipped', expression: "object == null || object.metadata.name != 'skip-me'" }],
                sideEffects: 'None',
                admissionReviewVersions: ['v1'],
              },
              { name: 'down.example.com', clientConfig: { url: 'https://127.0.0.1:1/down', caBundle }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] }], objectSelector: { matchLabels: { hook: 'down' } }, sideEffects: 'None', admissionReviewVersions: ['v1'] },
              { name: 'down-ignored.example.com', clientConfig: { url: 'https://127.0.0.1:1/down', caBundle }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] }], objectSelector: { matchLabels: { hook: 'ignored' } }, failurePolicy: 'Ignore', sideEffects: 'None', admissionReviewVersions: ['v1'] },
              { name: 'effects.example.com', clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['serviceaccounts'] }], sideEffects: 'NoneOnDryRun', admissionReviewVersions: ['v1'] },
              { name: 'uid.example.com', clientConfig: { url: `https://127.0.0.1:${port}/wrong-uid`, caBundle }, rules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }], sideEffects: 'None', admissionReviewVersions: ['v1'] },
            ],
          },
        ],
      }),
    });
  });
  after(async () => {
    await c?.cleanup();
    hook?.close();
  });

  test('a mutating webhook patches objects in matching namespaces, before the system fields are set', async () => {
    const r = await c.kubectl(['create', 'configmap', 'a', '-n', 'hooked', '--from-literal=k=v']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'Warning: mutated by test\n');
    const cm = JSON.parse(await c.k(['get', 'configmap', 'a', '-n', 'hooked', '-o', 'json']));
    assert.deepEqual(cm.metadata.labels, { mutated: 'yes' });
    assert.match(cm.metadata.uid, /^[0-9a-f-]{36}$/);
    const sent = seen.find((s) => s.path.startsWith('/mutate'))!;
    assert.equal(sent.path, '/mutate?timeout=10s');
    const req = sent.request;
    assert.deepEqual(req.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.deepEqual(req.resource, { group: '', version: 'v1', resource: 'configmaps' });
    assert.equal(req.operation, 'CREATE');
    assert.equal(req.name, 'a');
    assert.equal(req.namespace, 'hooked');
    assert.equal(req.userInfo.username, 'minikapi-admin');
    assert.equal(req.object.metadata.uid, undefined);
    assert.equal(req.object.metadata.creationTimestamp, undefined);
    assert.equal(req.oldObject, null);
    assert.equal(req.dryRun, false);
    assert.equal(req.options.kind, 'CreateOptions');
    // the validating webhook saw the mutated object, through the Service
    const v = seen.find((s) => s.path.startsWith('/validate') && s.request.name === 'a')!;
    assert.equal(v.path, '/validate?timeout=10s');
    assert.equal(v.request.object.metadata.labels.mutated, 'yes');
    assert.match(v.request.object.metadata.uid, /^[0-9a-f-]{36}$/);

    await c.k(['create', 'configmap', 'b', '-n', 'plain', '--from-literal=k=v']);
    assert.equal(JSON.parse(await c.k(['get', 'configmap', 'b', '-n', 'plain', '-o', 'json'])).metadata.labels, undefined);
  });

  test('a validating webhook refuses in its words; without a status it is a 400 without explanation', async () => {
    const r = await c.kubectl(['create', 'configmap', 'bad', '-n', 'hooked', '--from-literal=forbidden=1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: failed to create configmap: admission webhook "deny.example.com" denied the request: forbidden key\n');
    const raw = await api(c, 'POST', '/api/v1/namespaces/hooked/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'quiet' }, data: { silent: 'x' } });
    assert.equal(raw.status, 400);
    assert.deepEqual(raw.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'admission webhook "deny.example.com" denied the request without explanation', code: 400 });
    const notFound = await c.kubectl(['get', 'configmap', 'bad', '-n', 'hooked']);
    assert.equal(notFound.code, 1);
    // a matchCondition that is false skips the webhook
    assert.equal(await c.k(['create', 'configmap', 'skip-me', '-n', 'hooked', '--from-literal=forbidden=1']), 'configmap/skip-me created\n');
  });

  test('updates and deletes are reviewed with the old object', async () => {
    await c.k(['create', 'configmap', 'kept', '-n', 'hooked']);
    await c.k(['label', 'configmap', 'kept', '-n', 'hooked', 'keep=true']);
    const upd = seen.filter((s) => s.request.name === 'kept' && s.request.operation === 'UPDATE').at(-1)!;
    assert.equal(upd.request.oldObject.metadata.labels.keep, undefined);
    assert.equal(upd.request.object.metadata.labels.keep, 'true');
    assert.equal(upd.request.options.kind, 'UpdateOptions');
    const del = await c.kubectl(['delete', 'configmap', 'kept', '-n', 'hooked']);
    assert.equal(del.code, 1);
    assert.equal(del.stderr, 'Error from server: admission webhook "deny.example.com" denied the request: kept\n');
    const d = seen.filter((s) => s.request.name === 'kept' && s.request.operation === 'DELETE').at(-1)!;
    assert.equal(d.request.object, null);
    assert.equal(d.request.options.kind, 'DeleteOptions');
  });

  test('an unreachable webhook fails closed with Go words, or open with failurePolicy Ignore', async () => {
    const r = await c.kubectl(['create', 'secret', 'generic', 's1', '--from-literal=a=b']);
    assert.equal(r.code, 0, r.stderr);
    const obj = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's2', labels: { hook: 'down' } } };
    const down = await api(c, 'POST', '/api/v1/namespaces/default/secrets', obj);
    assert.equal(down.status, 500);
    const msg = 'failed calling webhook "down.example.com": failed to call webhook: Post "https://127.0.0.1:1/down?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused';
    assert.deepEqual(down.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${msg}`, reason: 'InternalError', details: { causes: [{ message: msg }] }, code: 500 });
    const ignored = await api(c, 'POST', '/api/v1/namespaces/default/secrets', { ...obj, metadata: { name: 's3', labels: { hook: 'ignored' } } });
    assert.equal(ignored.status, 201);
  });

  test('dry runs are reviewed as dry runs; a wrong response uid is a failure', async () => {
    const r = await c.kubectl(['create', 'serviceaccount', 'sa1', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    const sa = seen.filter((s) => s.request.name === 'sa1').at(-1)!;
    assert.equal(sa.request.dryRun, true);
    assert.deepEqual(sa.request.options.dryRun, ['All']);
    const d = await api(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    assert.equal(d.status, 500);
    assert.match(d.json.message, /^Internal error occurred: failed calling webhook "uid\.example\.com": received invalid webhook response: expected response\.uid="[0-9a-f-]{36}", got "nope"$/);
  });

  test('reinvocationPolicy IfNeeded runs a webhook again after a later one changed the object', async () => {
    const hook = (name: string, path: string, reinvoke?: string) => ({
      name,
      clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      objectSelector: { matchLabels: { reinvoke: 'yes' } },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...(reinvoke ? { reinvocationPolicy: reinvoke } : {}),
    });
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'reinvoke' }, webhooks: [hook('count.example.com', '/count', 'IfNeeded'), hook('addlabel.example.com', '/addlabel')] }) });
    const r = await api(c, 'POST', '/api/v1/namespaces/plain/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'again', labels: { reinvoke: 'yes' } } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.metadata.labels, { reinvoke: 'yes', added: 'yes' });
    assert.deepEqual(r.json.metadata.annotations, { labels: '2' });
    assert.equal(seen.filter((s) => s.path.startsWith('/count') && s.request.name === 'again').length, 2);
    await c.k(['delete', 'mutatingwebhookconfiguration', 'reinvoke']);
  });

  test('matchPolicy Equivalent: a webhook for autoscaling/v1 reviews a v2 write in v1, and its patch comes back converted; Exact skips it', async () => {
    const hook = (name: string, path: string, matchPolicy?: string) => ({
      name,
      clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle },
      rules: [{ operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...(matchPolicy ? { matchPolicy } : {}),
    });
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'hpa-v1' }, webhooks: [hook('equivalent.example.com', '/hpa-v1'), hook('exact.example.com', '/hpa-exact', 'Exact')] }) });
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3 } };
    const r = await api(c, 'POST', '/apis/autoscaling/v2/namespaces/plain/horizontalpodautoscalers', hpa);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    const got = seen.filter((x) => x.request.name === 'web' && x.request.resource?.resource === 'horizontalpodautoscalers');
    assert.deepEqual(got.map((x) => x.path.split('?')[0]), ['/hpa-v1']);
    const req = got[0]!.request;
    assert.deepEqual([req.kind, req.resource, req.requestKind, req.requestResource], [
      { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' },
      { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' },
      { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
      { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' },
    ]);
    assert.equal(req.object.apiVersion, 'autoscaling/v1');
    assert.equal(req.object.spec.maxReplicas, 3);
    assert.equal(req.object.spec.metrics, undefined);
    await c.k(['delete', 'mutatingwebhookconfiguration', 'hpa-v1']);
  });

  test('equivalence follows the storage: a webhook for events.k8s.io/v1 events reviews a core/v1 Event in events.k8s.io/v1', async () => {
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'events-v1' },
        webhooks: [{ name: 'events.example.com', clientConfig: { url: `https://127.0.0.1:${port}/record`, caBundle }, rules: [{ operations: ['CREATE'], apiGroups: ['events.k8s.io'], apiVersions: ['v1'], resources: ['events'] }], sideEffects: 'None', admissionReviewVersions: ['v1'] }],
      }),
    });
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'seen.1' }, involvedObject: { kind: 'Pod', namespace: 'plain', name: 'p' }, reason: 'Tested', message: 'hello', type: 'Normal', source: { component: 'test' } };
    assert.equal((await api(c, 'POST', '/api/v1/namespaces/plain/events', ev)).status, 201);
    const req = seen.filter((x) => x.path.startsWith('/record') && x.request.name === 'seen.1').at(-1)!.request;
    assert.deepEqual([req.kind, req.requestKind], [{ group: 'events.k8s.io', version: 'v1', kind: 'Event' }, { group: '', version: 'v1', kind: 'Event' }]);
    assert.deepEqual([req.object.apiVersion, req.object.note, req.object.reason, req.object.regarding.name], ['events.k8s.io/v1', 'hello', 'Tested', 'p']);
    await c.k(['delete', 'validatingwebhookconfiguration', 'events-v1']);
  });

  test('audit events carry the webhooks\' annotations: mutation and patch per round and index, their own auditAnnotations, failed-open', async () => {
    await c.k(['create', 'namespace', 'audited']);
    await c.k(['label', 'namespace', 'audited', 'hooks=on']);
    assert.equal((await api(c, 'POST', '/api/v1/namespaces/audited/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'noted' }, data: { k: 'v' } })).status, 201);
    assert.equal((await api(c, 'POST', '/api/v1/namespaces/audited/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'open', labels: { hook: 'ignored' } } })).status, 201);
    const events = readFileSync(join(auditDir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const annotations = (resource: string, name: string) => {
      const a = { ...events.find((e) => e.verb === 'create' && e.objectRef.resource === resource && e.objectRef.name === name).annotations };
      delete a['authorization.k8s.io/decision'];
      delete a['authorization.k8s.io/reason'];
      return a;
    };
    assert.deepEqual(annotations('configmaps', 'noted'), {
      'deny.example.com/checked': 'yes',
      'mutation.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"mutate","webhook":"mutate.example.com","mutated":true}',
      'patch.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"mutate","webhook":"mutate.example.com","patch":[{"op":"add","path":"/metadata/labels","value":{"mutated":"yes"}}],"patchType":"JSONPatch"}',
    });
    assert.deepEqual(annotations('secrets', 'open'), { 'failed-open.validating.webhook.admission.k8s.io/round_0_index_2': 'down-ignored.example.com' });
  });

  test('generateName objects are reviewed without a name, as upstream names them after admission', async () => {
    const r = await api(c, 'POST', '/api/v1/namespaces/hooked/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    assert.equal(r.status, 201);
    assert.match(r.json.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.equal(r.json.metadata.labels.mutated, 'yes');
    const m = seen.filter((s) => s.path.startsWith('/mutate') && s.request.object.metadata.generateName === 'gen-').at(-1)!;
    assert.equal(m.request.name, undefined);
    assert.equal(m.request.object.metadata.name, undefined);
  });

  test('a Service annotated minikapi.dev/webhook-url sends its webhook calls to that URL, checked as the Service name', async () => {
    await c.k(['-n', 'webhooks', 'delete', 'endpoints', 'hook']);
    const gone = await c.kubectl(['-n', 'hooked', 'create', 'configmap', 'no-endpoints', '--from-literal=forbidden=1']);
    assert.match(gone.stderr, /failed calling webhook "deny\.example\.com": failed to call webhook: Post "https:\/\/hook\.webhooks\.svc:443\/validate\?timeout=10s": endpoints "hook" not found/);
    await c.k(['-n', 'webhooks', 'annotate', 'service', 'hook', `minikapi.dev/webhook-url=https://127.0.0.1:${port}`]);
    const r = await c.kubectl(['-n', 'hooked', 'create', 'configmap', 'overridden', '--from-literal=forbidden=1']);
    assert.equal(r.stderr, 'error: failed to create configmap: admission webhook "deny.example.com" denied the request: forbidden key\n');
    assert.equal(await c.k(['-n', 'hooked', 'create', 'configmap', 'overridden-ok', '--from-literal=fine=1']), 'configmap/overridden-ok created\n');
  });
});
