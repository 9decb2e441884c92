// Bool query parameters as upstream's conversion reads them: the python client sends Python's str(bool).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

describe('bool query parameters', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.cleanup();
  });
  const base = '/api/v1/namespaces/default/configmaps';

  test('watch=False is a list, as the python client asks for one', async () => {
    const r = await api(c, 'GET', `${base}?limit=1&watch=False`);
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'ConfigMapList');
  });

  test('allowWatchBookmarks=True allows bookmarks; any value but 0 and false is true', async () => {
    for (const v of ['True', '']) {
      const w = watch(c, `${base}?watch=True&allowWatchBookmarks=${v}&timeoutSeconds=1&resourceVersion=0`);
      await w.ended;
      assert.equal(w.status, 200, v);
      assert.equal(w.events[w.events.length - 1]?.type, 'BOOKMARK', v);
    }
    const off = watch(c, `${base}?watch=1&allowWatchBookmarks=False&timeoutSeconds=1&resourceVersion=0`);
    await off.ended;
    assert.equal(off.status, 200);
    assert.ok(off.events.every((e) => e.type !== 'BOOKMARK'));
  });
});
