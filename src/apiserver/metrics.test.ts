import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { ApiMetrics, type RequestSample, type StorageSample } from './metrics.js';

const BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

/** The series lines of one metric family in a rendered body. */
function family(body: string, name: string): string[] {
  return body.split('\n').filter((l) => l.startsWith(`${name}_`) || l.startsWith(`${name}{`));
}

describe('ApiMetrics', () => {
  test('repeated requests and storage calls print exactly what prom-client prints for the same observations', async () => {
    const m = new ApiMetrics({ storageObjects: async () => new Map(), inFlight: () => ({ readOnly: 0, mutating: 0 }) });
    await m.load();
    const ref = new Registry();
    const requests = new Counter({ name: 'apiserver_request_total', help: 'x', labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'], registers: [ref] });
    const durations = new Histogram({ name: 'apiserver_request_duration_seconds', help: 'x', labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'], buckets: BUCKETS, registers: [ref] });
    const etcd = new Histogram({ name: 'etcd_request_duration_seconds', help: 'x', labelNames: ['operation', 'group', 'resource'], buckets: BUCKETS, registers: [ref] });
    const etcdTotal = new Counter({ name: 'etcd_requests_total', help: 'x', labelNames: ['operation', 'group', 'resource'], registers: [ref] });
    const etcdErrors = new Counter({ name: 'etcd_request_errors_total', help: 'x', labelNames: ['operation', 'group', 'resource'], registers: [ref] });
    const seconds = [0.001, 0.0049, 0.005, 0.3, 7, 61, 0.0000123, 2];
    for (let i = 0; i < 40; i++) {
      const s: RequestSample = { verb: i % 3 ? 'GET' : 'LIST', dryRun: '', group: i % 2 ? 'apps' : '', version: 'v1', resource: i % 2 ? 'deployments' : 'configmaps', subresource: '', scope: 'namespace', code: i % 5 ? 200 : 404, seconds: seconds[i % seconds.length]! };
      m.record(s);
      const labels = { component: 'apiserver', dry_run: s.dryRun, group: s.group, resource: s.resource, scope: s.scope, subresource: s.subresource, verb: s.verb, version: s.version };
      requests.inc({ code: String(s.code), ...labels });
      durations.observe(labels, s.seconds);
      const st: StorageSample = { operation: i % 4 ? 'get' : 'list', group: s.group, resource: s.resource, seconds: s.seconds, failed: i % 7 === 3 };
      m.recordStorage(st);
      const sl = { group: st.group, operation: st.operation, resource: st.resource };
      etcd.observe(sl, st.seconds);
      etcdTotal.inc(sl);
      if (st.failed) etcdErrors.inc(sl);
    }
    const got = (await m.render()).body;
    const want = (await ref.metrics()).replace(/_bucket\{le="([^"]*)",([^}]*)\}/g, '_bucket{$2,le="$1"}');
    for (const name of ['apiserver_request_total', 'apiserver_request_duration_seconds', 'etcd_request_duration_seconds', 'etcd_requests_total', 'etcd_request_errors_total']) {
      const lines = family(got, name);
      assert.ok(lines.length > 0, name);
      assert.deepEqual(lines, family(want, name), name);
    }
  });
});
