// Concurrent writers to one object never lose an update; conditional writers race as upstream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

const path = '/api/v1/namespaces/default/configmaps';

describe('concurrent writers', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ storage: 'sqlite' });
  });
  after(() => c?.cleanup());

  test('100 parallel merge, strategic and JSON patches to one object all land', async () => {
    assert.equal((await api(c, 'POST', path, { metadata: { name: 'shared' }, data: {} })).status, 201);
    const before = Number((await api(c, 'GET', `${path}/shared`)).json.metadata.resourceVersion);
    const patches = Array.from({ length: 100 }, (_, i) => {
      if (i % 3 === 0) return api(c, 'PATCH', `${path}/shared`, { data: { [`k${i}`]: String(i) } }, { 'Content-Type': 'application/merge-patch+json' });
      if (i % 3 === 1) return api(c, 'PATCH', `${path}/shared`, { data: { [`k${i}`]: String(i) } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
      return api(c, 'PATCH', `${path}/shared`, [{ op: 'add', path: `/data/k${i}`, value: String(i) }], { 'Content-Type': 'application/json-patch+json' });
    });
    const results = await Promise.all(patches);
    for (const r of results) assert.equal(r.status, 200, r.text);
    const final = (await api(c, 'GET', `${path}/shared`)).json;
    assert.equal(Object.keys(final.data).length, 100);
    for (let i = 0; i < 100; i++) assert.equal(final.data[`k${i}`], String(i));
    assert.equal(Number(final.metadata.resourceVersion) - before >= 100, true);
  });

  test('updates without resourceVersion are unconditional; with a shared stale one exactly one wins', async () => {
    const cur = (await api(c, 'GET', `${path}/shared`)).json;
    const conditional = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api(c, 'PUT', `${path}/shared`, { ...cur, data: { winner: String(i) } })),
    );
    assert.equal(conditional.filter((r) => r.status === 200).length, 1);
    for (const r of conditional.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 409);
      assert.equal(r.json.reason, 'Conflict');
    }
    const unconditional = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api(c, 'PUT', `${path}/shared`, { metadata: { name: 'shared' }, data: { last: String(i) } })),
    );
    for (const r of unconditional) assert.equal(r.status, 200, r.text);
  });
});
