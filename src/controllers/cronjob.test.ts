// The cronjob controller against a real API server (no other controllers), driven by a fake clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, Agent } from 'node:https';
import { Readable } from 'node:stream';
import { HttpClient } from '../client/http-client.js';
import type { KObject } from '../client/types.js';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { eventually } from '../testing/eventually.js';
import { CronJobController } from './cronjob.js';
import { CRONJOBS, EVENTS, JOBS } from './gvr.js';
import { ControllerManager } from './runtime/controller.js';

/** A client over HTTPS with the admin certificate, as a remote controller would use. */
function clientFor(c: TestCluster): HttpClient {
  const agent = new Agent({ keepAlive: true, ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem });
  return new HttpClient(
    async (req) => {
      const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
      return new Promise<Response>((resolve, reject) => {
        const headers = { ...Object.fromEntries(req.headers), ...(body ? { 'content-length': String(body.length) } : {}) };
        const r = request(req.url.replace('https://loopback', c.url), { method: req.method, agent, headers }, (res) => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          resolve(new Response(Readable.toWeb(res) as ReadableStream, { status: res.statusCode, headers }));
        });
        r.on('error', reject);
        r.end(body);
      });
    },
    {},
  );
}

class TestCronJobController extends CronJobController {
  poke(key: string): void {
    this.queue.add(key);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
describe('cronjob controller (fake clock)', () => {
  let c: TestCluster;
  let client: HttpClient;
  let now = 0;
  const ctl = new TestCronJobController(() => now);
  let manager: ControllerManager;
  before(async () => {
    c = await startTestCluster({ name: 'cj', controllers: 'none' });
    client = clientFor(c);
    manager = new ControllerManager(client, { certPem: c.caCertPem, keyPem: '' }, [ctl], (_, err) => console.error(err));
    await manager.start();
  });
  after(async () => {
    manager?.stop();
    await c?.cleanup();
  });

  async function cronjob(name: string, spec: KObject): Promise<KObject> {
    const cj = await client.create(CRONJOBS, 'default', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }, ...spec } });
    now = Date.parse(cj.metadata.creationTimestamp);
    return cj;
  }
  const jobsOf = async (name: string) => (await client.list(JOBS, 'default')).items.filter((j) => j.metadata.ownerReferences?.[0]?.name === name && !j.metadata.deletionTimestamp).map((j) => j.metadata.name).sort();
  const statusOf = async (name: string) => (await client.get(CRONJOBS, 'default', name)).status;
  const reasons = async (name: string) => (await client.list(EVENTS, 'default', { fieldSelector: `involvedObject.name=${name}` })).items.map((e) => e.reason);
  /** Moves the clock to the start of the minute `minutes` after creation (plus a second) and syncs. */
  async function tick(name: string, created: number, minutes: number): Promise<number> {
    const t = Math.floor(created / 60_000) * 60_000 + minutes * 60_000;
    now = t + 1000;
    ctl.poke(`default/${name}`);
    await eventually(`${name} scheduled at +${minutes}m`, async () => (await statusOf(name))?.lastScheduleTime === new Date(t).toISOString().replace('.000Z', 'Z') || (await reasons(name)).includes('JobAlreadyActive'));
    return t;
  }
  async function finish(jobName: string, type: 'Complete' | 'Failed', at: number): Promise<void> {
    const j = await client.get(JOBS, 'default', jobName);
    const ts = new Date(at).toISOString().replace('.000Z', 'Z');
    const cond = { type, status: 'True', lastProbeTime: ts, lastTransitionTime: ts, reason: 'X', message: 'x' };
    const crit = { ...cond, type: type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget' };
    await client.update(JOBS, 'default', { ...j, status: { ...j.status, startTime: ts, conditions: [crit, cond], ...(type === 'Complete' ? { completionTime: ts, succeeded: 1 } : { failed: 1 }) } }, { subresource: 'status' });
  }

  test('nothing runs before the first scheduled time', async () => {
    await cronjob('early', {});
    ctl.poke('default/early');
    await sleep(300);
    assert.deepEqual(await jobsOf('early'), []);
    assert.equal((await statusOf('early')).lastScheduleTime, undefined);
  });

  test('Allow: each minute starts a job named <cronjob>-<minutes>, all active at once', async () => {
    const cj = await cronjob('allow', {});
    const created = Date.parse(cj.metadata.creationTimestamp);
    const t1 = await tick('allow', created, 1);
    const t2 = await tick('allow', created, 2);
    assert.deepEqual(await jobsOf('allow'), [`allow-${t1 / 60_000}`, `allow-${t2 / 60_000}`]);
    const status = await statusOf('allow');
    assert.deepEqual(status.active.map((r: KObject) => [r.kind, r.name, r.apiVersion]), [['Job', `allow-${t1 / 60_000}`, 'batch/v1'], ['Job', `allow-${t2 / 60_000}`, 'batch/v1']]);
  });

  test('Forbid: no new job while one is active; JobAlreadyActive', async () => {
    const cj = await cronjob('forbid', { concurrencyPolicy: 'Forbid' });
    const created = Date.parse(cj.metadata.creationTimestamp);
    const t1 = await tick('forbid', created, 1);
    await tick('forbid', created, 2);
    assert.deepEqual(await jobsOf('forbid'), [`forbid-${t1 / 60_000}`]);
    assert.ok((await reasons('forbid')).includes('JobAlreadyActive'));
  });

  test('Replace: the active job is deleted and a new one started', async () => {
    const cj = await cronjob('replace', { concurrencyPolicy: 'Replace' });
    const created = Date.parse(cj.metadata.creationTimestamp);
    await tick('replace', created, 1);
    const t2 = await tick('replace', created, 2);
    await eventually('one job left', async () => (await jobsOf('replace')).length === 1);
    assert.deepEqual(await jobsOf('replace'), [`replace-${t2 / 60_000}`]);
    assert.deepEqual((await statusOf('replace')).active.map((r: KObject) => r.name), [`replace-${t2 / 60_000}`]);
    assert.ok((await reasons('replace')).includes('SuccessfulDelete'));
  });

  test('finished jobs leave status.active, set lastSuccessfulTime, and the oldest beyond the history limits go', async () => {
    const cj = await cronjob('hist', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 });
    const created = Date.parse(cj.metadata.creationTimestamp);
    const t1 = await tick('hist', created, 1);
    const t2 = await tick('hist', created, 2);
    const t3 = await tick('hist', created, 3);
    await finish(`hist-${t1 / 60_000}`, 'Complete', t1 + 10_000);
    await finish(`hist-${t2 / 60_000}`, 'Complete', t2 + 10_000);
    await finish(`hist-${t3 / 60_000}`, 'Failed', t3 + 10_000);
    await eventually('history trimmed', async () => (await jobsOf('hist')).join() === `hist-${t2 / 60_000}` && !(await statusOf('hist')).active);
    assert.equal((await statusOf('hist')).lastSuccessfulTime, new Date(t2 + 10_000).toISOString().replace('.000Z', 'Z'));
    assert.ok((await reasons('hist')).includes('SawCompletedJob'));
  });

  test('a suspended cronjob starts nothing', async () => {
    const cj = await cronjob('paused', { suspend: true });
    now = Date.parse(cj.metadata.creationTimestamp) + 5 * 60_000;
    ctl.poke('default/paused');
    await sleep(300);
    assert.deepEqual(await jobsOf('paused'), []);
  });
});
