// List and watch semantics as upstream: paging, resourceVersion rules, selectors, watch start points,
// bookmarks, streaming lists, selector transitions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

const NS = 'lw';
const base = `/api/v1/namespaces/${NS}/configmaps`;

/** These tests want the namespace to themselves: the cluster runs without the controller that puts kube-root-ca.crt in every namespace (and puts it back when deleted). */
const ALONE = { controllers: '-root-ca-cert-publisher' };

async function freshNamespace(c: TestCluster): Promise<void> {
  assert.equal((await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
}

function cm(name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

describe('list', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster(ALONE);
    await freshNamespace(c);
    for (let i = 0; i < 25; i++) {
      const r = await api(c, 'POST', base, cm(`item-${String(i).padStart(2, '0')}`, { n: String(i), parity: i % 2 ? 'odd' : 'even' }));
      assert.equal(r.status, 201);
    }
  });
  after(() => c?.cleanup());

  test('limit and continue page through a consistent snapshot with remainingItemCount', async () => {
    const p1 = await api(c, 'GET', `${base}?limit=10`);
    assert.equal(p1.status, 200);
    assert.equal(p1.json.kind, 'ConfigMapList');
    assert.equal(p1.json.items.length, 10);
    assert.equal(p1.json.metadata.remainingItemCount, 15);
    assert.ok(p1.json.metadata.continue);
    const rv1 = p1.json.metadata.resourceVersion;
    // a write between pages is not seen by later pages
    assert.equal((await api(c, 'POST', base, cm('item-99'))).status, 201);
    assert.equal((await api(c, 'DELETE', `${base}/item-24`)).status, 200);
    const p2 = await api(c, 'GET', `${base}?limit=10&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    assert.equal(p2.status, 200);
    assert.equal(p2.json.metadata.resourceVersion, rv1);
    assert.deepEqual(p2.json.items.map((o: { metadata: { name: string } }) => o.metadata.name), Array.from({ length: 10 }, (_, i) => `item-${String(i + 10).padStart(2, '0')}`));
    const p3 = await api(c, 'GET', `${base}?limit=10&continue=${encodeURIComponent(p2.json.metadata.continue)}`);
    assert.deepEqual(p3.json.items.map((o: { metadata: { name: string } }) => o.metadata.name), ['item-20', 'item-21', 'item-22', 'item-23', 'item-24']);
    assert.equal(p3.json.metadata.continue, undefined);
    assert.equal(p3.json.metadata.remainingItemCount, undefined);
    // restore
    assert.equal((await api(c, 'DELETE', `${base}/item-99`)).status, 200);
    assert.equal((await api(c, 'POST', base, cm('item-24', { n: '24', parity: 'even' }))).status, 201);
  });

  test('a malformed continue token is 400, and continue with resourceVersion is 422', async () => {
    const bad = await api(c, 'GET', `${base}?limit=5&continue=not-a-token`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.reason, 'BadRequest');
    const p1 = await api(c, 'GET', `${base}?limit=5`);
    const both = await api(c, 'GET', `${base}?limit=5&resourceVersion=${p1.json.metadata.resourceVersion}&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    assert.equal(both.status, 422);
    assert.equal(both.json.reason, 'Invalid');
    assert.equal(both.json.details.causes[0].field, 'resourceVersion');
    assert.equal(both.json.message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersion: Forbidden: specifying resource version is not allowed when using continue');
  });

  test('resourceVersionMatch rules and a too-large resourceVersion', async () => {
    const nomatch = await api(c, 'GET', `${base}?resourceVersionMatch=NotOlderThan`);
    assert.equal(nomatch.status, 422);
    assert.equal(nomatch.json.message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    const exact0 = await api(c, 'GET', `${base}?resourceVersion=0&resourceVersionMatch=Exact`);
    assert.equal(exact0.status, 422);
    const future = await api(c, 'GET', `${base}?resourceVersion=99999999`);
    assert.equal(future.status, 504);
    assert.equal(future.json.reason, 'Timeout');
    assert.equal(future.json.message, `Too large resource version: 99999999, current: ${(await c.backend.currentRevision())}`);
    assert.equal(future.json.details.causes[0].reason, 'ResourceVersionTooLarge');
    assert.equal(future.headers['retry-after'], '1');
  });

  test('resourceVersionMatch=Exact reads a real past snapshot', async () => {
    const before = await api(c, 'GET', base);
    const rv = before.json.metadata.resourceVersion;
    assert.equal((await api(c, 'POST', base, cm('later'))).status, 201);
    assert.equal((await api(c, 'DELETE', `${base}/item-00`)).status, 200);
    const past = await api(c, 'GET', `${base}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.equal(past.status, 200);
    assert.equal(past.json.metadata.resourceVersion, rv);
    const names = past.json.items.map((o: { metadata: { name: string } }) => o.metadata.name);
    assert.ok(names.includes('item-00'));
    assert.ok(!names.includes('later'));
    const now = await api(c, 'GET', `${base}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    assert.ok(now.json.items.some((o: { metadata: { name: string } }) => o.metadata.name === 'later'));
    assert.equal((await api(c, 'POST', base, cm('item-00', { n: '0', parity: 'even' }))).status, 201);
    assert.equal((await api(c, 'DELETE', `${base}/later`)).status, 200);
  });

  test('label selectors with the full syntax, and a bad selector is 400', async () => {
    const names = async (sel: string) => (await api(c, 'GET', `${base}?labelSelector=${encodeURIComponent(sel)}`)).json.items.map((o: { metadata: { name: string } }) => o.metadata.name).filter((n: string) => n.startsWith('item-'));
    assert.equal((await names('parity=odd')).length, 12);
    assert.equal((await names('parity==even,n in (0,2,4,5)')).length, 3);
    assert.equal((await names('parity!=odd,n notin (0,2)')).length, 11);
    assert.equal((await names('n,!missing')).length, 25);
    assert.equal((await names('!n')).length, 0);
    const bad = await api(c, 'GET', `${base}?labelSelector=${encodeURIComponent('a in (b')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.reason, 'BadRequest');
  });

  test('field selectors: metadata.name everywhere, unsupported fields are 400', async () => {
    const one = await api(c, 'GET', `${base}?fieldSelector=metadata.name%3Ditem-03`);
    assert.deepEqual(one.json.items.map((o: { metadata: { name: string } }) => o.metadata.name), ['item-03']);
    const notOne = await api(c, 'GET', `${base}?fieldSelector=metadata.name!%3Ditem-03`);
    assert.ok(notOne.json.items.length >= 24);
    const bad = await api(c, 'GET', `${base}?fieldSelector=spec.nope%3Dx`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, '"spec.nope" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  test('a continue token whose revision was compacted is 410 Expired with a fresh token', async () => {
    const p1 = await api(c, 'GET', `${base}?limit=5`);
    assert.equal((await api(c, 'PUT', `${base}/item-10`, cm('item-10', {}, { k: 'changed' }))).status, 200);
    await c.backend.compact(await c.backend.currentRevision());
    const r = await api(c, 'GET', `${base}?limit=5&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    assert.equal(r.status, 410);
    assert.equal(r.json.reason, 'Expired');
    assert.match(r.json.message, /^The provided continue parameter is too old to display a consistent list result\./);
    const next = await api(c, 'GET', `${base}?limit=5&continue=${encodeURIComponent(r.json.metadata.continue)}`);
    assert.equal(next.status, 200);
    assert.equal(next.json.items[0].metadata.name, 'item-05');
    const old = await api(c, 'GET', `${base}?resourceVersion=2&resourceVersionMatch=Exact`);
    assert.equal(old.status, 410);
    assert.equal(old.json.message, 'The resourceVersion for the provided list is too old.');
  });

  test('kubectl get --chunk-size, -A, -l and --field-selector', async () => {
    const all = table(await c.k(['get', 'cm', '-n', NS, '--chunk-size=4', '-o', 'custom-columns=NAME:.metadata.name', '--no-headers']));
    assert.equal(all.filter((r) => r[0].startsWith('item-')).length, 25);
    const across = await c.k(['get', 'cm', '-A', '-l', 'parity=odd', '--no-headers']);
    assert.equal(across.trim().split('\n').length, 12);
    assert.match(across, new RegExp(`^${NS} +item-01 +1 +`, 'm'));
    const byName = table(await c.k(['get', 'cm', '-n', NS, '--field-selector', 'metadata.name=item-07']));
    assert.deepEqual(byName.map((r) => r.slice(0, 2)), [['NAME', 'DATA'], ['item-07', '1']]);
  });
});

describe('watch', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster(ALONE);
    await freshNamespace(c);
  });
  after(() => c?.cleanup());

  test('without resourceVersion: synthetic ADDED for current state, then live events', async () => {
    await api(c, 'POST', base, cm('pre'));
    const w = watch(c, `${base}?watch=true`);
    await w.waitFor((e) => e.length >= 1);
    assert.equal(w.status, 200);
    assert.equal(w.headers['content-type'], 'application/json');
    await api(c, 'POST', base, cm('post'));
    await api(c, 'PATCH', `${base}/post`, { data: { x: 'y' } }, { 'Content-Type': 'application/merge-patch+json' });
    await api(c, 'DELETE', `${base}/post`);
    await w.waitFor((e) => e.length >= 4);
    w.close();
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'pre'], ['ADDED', 'post'], ['MODIFIED', 'post'], ['DELETED', 'post']]);
    const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual([...rvs].sort((a, b) => a - b), rvs);
    await api(c, 'DELETE', `${base}/pre`);
  });

  test('from a resourceVersion: the log is replayed after it, in order', async () => {
    const start = (await api(c, 'GET', base)).json.metadata.resourceVersion;
    await api(c, 'POST', base, cm('r1'));
    await api(c, 'POST', base, cm('r2'));
    await api(c, 'DELETE', `${base}/r1`);
    const w = watch(c, `${base}?watch=true&resourceVersion=${start}`);
    await w.waitFor((e) => e.length >= 3);
    w.close();
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'r1'], ['ADDED', 'r2'], ['DELETED', 'r1']]);
    await api(c, 'DELETE', `${base}/r2`);
  });

  test('a compacted resourceVersion gets an ERROR event with 410 Expired', async () => {
    await api(c, 'POST', base, cm('c1'));
    await api(c, 'DELETE', `${base}/c1`);
    const cur = await c.backend.currentRevision();
    await c.backend.compact(cur);
    const w = watch(c, `${base}?watch=true&resourceVersion=2`);
    await w.ended;
    assert.equal(w.status, 200);
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].object.kind, 'Status');
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, 'Expired');
    assert.match(w.events[0].object.message, /^too old resource version: 2 \(\d+\)$/);
  });

  test('label selectors: an object that starts matching is ADDED, one that stops is DELETED', async () => {
    await api(c, 'POST', base, cm('sel', { team: 'a' }));
    const rv = (await api(c, 'GET', base)).json.metadata.resourceVersion;
    const w = watch(c, `${base}?watch=true&labelSelector=team%3Db&resourceVersion=${rv}`);
    await w.gotHeaders;
    await api(c, 'PATCH', `${base}/sel`, { metadata: { labels: { team: 'b' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await api(c, 'PATCH', `${base}/sel`, { data: { more: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    await api(c, 'PATCH', `${base}/sel`, { metadata: { labels: { team: 'c' } } }, { 'Content-Type': 'application/merge-patch+json' });
    await w.waitFor((e) => e.length >= 3);
    w.close();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(w.events[2].object.metadata.labels.team, 'b');
    await api(c, 'DELETE', `${base}/sel`);
  });

  test('watch of one object by fieldSelector=metadata.name', async () => {
    await api(c, 'POST', base, cm('one'));
    await api(c, 'POST', base, cm('other'));
    const w = watch(c, `${base}?watch=true&fieldSelector=metadata.name%3Done&resourceVersion=0`);
    await w.waitFor((e) => e.length >= 1);
    await api(c, 'DELETE', `${base}/other`);
    await api(c, 'DELETE', `${base}/one`);
    await w.waitFor((e) => e.length >= 2);
    w.close();
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'one'], ['DELETED', 'one']]);
  });

  test('timeoutSeconds ends the stream, with a final BOOKMARK when bookmarks are allowed', async () => {
    const t0 = Date.now();
    const w = watch(c, `${base}?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=0`);
    await w.ended;
    assert.ok(Date.now() - t0 >= 900);
    const last = w.events[w.events.length - 1];
    assert.equal(last.type, 'BOOKMARK');
    assert.deepEqual(Object.keys(last.object).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(last.object.kind, 'ConfigMap');
    assert.match(last.object.metadata.resourceVersion, /^\d+$/);
  });

  test('streaming list: sendInitialEvents sends ADDED, then a BOOKMARK marking the end, then live events', async () => {
    await api(c, 'POST', base, cm('s1'));
    await api(c, 'POST', base, cm('s2'));
    const w = watch(c, `${base}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    await w.waitFor((e) => e.some((x) => x.type === 'BOOKMARK'));
    await api(c, 'POST', base, cm('s3'));
    await w.waitFor((e) => e.length >= 4);
    w.close();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'ADDED', 'BOOKMARK', 'ADDED']);
    assert.deepEqual(w.events[2].object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    const bad = await api(c, 'GET', `${base}?watch=true&sendInitialEvents=true`);
    assert.equal(bad.status, 422);
    assert.equal(bad.json.details.causes[0].field, 'sendInitialEvents');
  });

  test('a bad selector on a watch is 400 before the stream starts', async () => {
    const r = await api(c, 'GET', `${base}?watch=true&fieldSelector=spec.nope%3Dx`);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, '"spec.nope" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });

  test('Table watches carry column definitions only in the first event', async () => {
    const w = watch(c, `${base}?watch=true&resourceVersion=0`, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    await w.waitFor((e) => e.length >= 2);
    w.close();
    assert.equal(w.events[0].object.kind, 'Table');
    assert.ok(Array.isArray(w.events[0].object.columnDefinitions));
    assert.equal(w.events[1].object.columnDefinitions, undefined);
    assert.equal(w.events[1].object.rows.length, 1);
    assert.equal(w.events[1].object.rows[0].object.kind, 'PartialObjectMetadata');
  });
});
