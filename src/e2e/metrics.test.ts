// /metrics as kube-apiserver's: upstream's names, help texts, label names and values, sorted labels, `le` last.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

const LABELS = (o: Record<string, string>) => `{${Object.entries(o).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
const req = (verb: string, scope: string, code: string, extra: Record<string, string> = {}) =>
  `apiserver_request_total${LABELS({ code, component: 'apiserver', dry_run: extra.dry_run ?? '', group: extra.group ?? '', resource: extra.resource ?? 'configmaps', scope, subresource: extra.subresource ?? '', verb, version: extra.version ?? 'v1' })} 1`;

describe('metrics', () => {
  let c: TestCluster;
  before(async () => {
    const tokens = join(process.env.TMPDIR ?? '/tmp', `minikapi-metrics-tokens-${process.pid}.csv`);
    writeFileSync(tokens, 'plain-token,bob,1002\n');
    c = await startTestCluster({ controllers: 'none', tokenAuthFile: tokens });
  });
  after(() => c?.cleanup());

  test('requests are counted and timed with upstream labels; stored objects and in-flight requests are reported', async () => {
    await c.k(['create', 'configmap', 'm1', '--from-literal=a=1']);
    await c.k(['create', 'configmap', 'm2', '--from-literal=a=1', '--dry-run=server']);
    await c.k(['get', 'configmap', 'm1']);
    await c.k(['get', 'configmaps']);
    assert.equal((await c.kubectl(['get', 'configmap', 'nope'])).code, 1);
    assert.equal((await api(c, 'GET', '/apis/apps/v1/namespaces/default/deployments/none/scale')).status, 404);
    const r = await api(c, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const lines = r.text.split('\n');
    const has = (line: string) => assert.ok(lines.includes(line), `missing: ${line}\n${lines.filter((l) => l.startsWith(line.split('{')[0]!)).join('\n')}`);
    has('# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.');
    has('# TYPE apiserver_request_total counter');
    has(req('POST', 'resource', '201'));
    has(req('POST', 'resource', '201', { dry_run: 'All' }));
    has(req('GET', 'resource', '200'));
    has(req('LIST', 'namespace', '200'));
    has(req('GET', 'resource', '404'));
    has(req('GET', 'resource', '404', { group: 'apps', resource: 'deployments', subresource: 'scale' }));
    has('# TYPE apiserver_request_duration_seconds histogram');
    const bucket = lines.find((l) => l.startsWith('apiserver_request_duration_seconds_bucket{') && l.includes('verb="LIST"') && l.includes('resource="configmaps"') && l.includes('le="60"'));
    assert.equal(bucket, `apiserver_request_duration_seconds_bucket${LABELS({ component: 'apiserver', dry_run: '', group: '', resource: 'configmaps', scope: 'namespace', subresource: '', verb: 'LIST', version: 'v1', le: '60' })} 1`);
    has('apiserver_storage_objects{resource="configmaps"} 1');
    has('apiserver_storage_objects{resource="namespaces"} 4');
    has('apiserver_storage_objects{resource="deployments.apps"} 0');
    has('apiserver_current_inflight_requests{request_kind="mutating"} 0');
    has('apiserver_current_inflight_requests{request_kind="readOnly"} 1');
    assert.ok(lines.some((l) => /^process_resident_memory_bytes \d+$/.test(l)));
  });

  test('a user without the right gets 403 for /metrics, as upstream without system:monitoring', async () => {
    const r = await api({ url: c.url, caCertPem: c.caCertPem, token: 'plain-token' }, 'GET', '/metrics');
    assert.equal(r.status, 403);
    assert.equal(r.json.message, 'forbidden: User "bob" cannot get path "/metrics"');
  });

  test('storage requests are timed per operation and resource; running watches are long-running requests', async () => {
    const w = watch(c, '/api/v1/namespaces/default/secrets?watch=true');
    await w.gotHeaders;
    await c.k(['create', 'configmap', 'm3', '--from-literal=a=1']);
    await c.k(['delete', 'configmap', 'm3']);
    const lines = (await api(c, 'GET', '/metrics')).text.split('\n');
    const value = (prefix: string) => Number(lines.find((l) => l.startsWith(prefix))?.split(' ').at(-1));
    assert.ok(lines.includes('# TYPE etcd_request_duration_seconds histogram'));
    assert.ok(value('etcd_requests_total{group="",operation="create",resource="configmaps"}') >= 1);
    assert.ok(value('etcd_requests_total{group="",operation="delete",resource="configmaps"}') >= 1);
    assert.ok(value('etcd_request_duration_seconds_count{group="",operation="create",resource="configmaps"}') >= 1);
    assert.ok(lines.some((l) => l.startsWith('etcd_request_duration_seconds_bucket{group="",operation="create",resource="configmaps",le="0.005"}')));
    assert.ok(lines.includes('apiserver_longrunning_requests{component="apiserver",group="",resource="secrets",scope="namespace",subresource="",verb="WATCH",version="v1"} 1'), lines.filter((l) => l.startsWith('apiserver_longrunning')).join('\n'));
    w.close();
    for (let i = 0; i < 50; i++) {
      const now = (await api(c, 'GET', '/metrics')).text;
      if (now.includes('apiserver_longrunning_requests{component="apiserver",group="",resource="secrets",scope="namespace",subresource="",verb="WATCH",version="v1"} 0')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('the watch still counts as running after it closed');
  });
});
