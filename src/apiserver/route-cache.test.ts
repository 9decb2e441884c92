import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { CachedRouter } from './route-cache.js';

test('routes answer the same from the cache, params included, also past the number of paths it keeps', async () => {
  const app = new Hono({ router: new CachedRouter() });
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Seen', '1');
  });
  app.get('/apis/:group/:version', (c) => c.text(`group ${c.req.param('group')} ${c.req.param('version')}`));
  app.all('/api/v1/*', (c) => c.text(`core ${c.req.method} ${c.req.path}`));
  app.get('/healthz/:check', (c) => c.text(`check ${c.req.param('check')}`));
  for (let round = 0; round < 2; round++) {
    const r = await app.request('/apis/apps/v1');
    assert.equal(await r.text(), 'group apps v1');
    assert.equal(r.headers.get('X-Seen'), '1');
    assert.equal(await (await app.request('/apis/batch/v2')).text(), 'group batch v2');
    assert.equal(await (await app.request('/api/v1/namespaces/a/pods', { method: 'DELETE' })).text(), 'core DELETE /api/v1/namespaces/a/pods');
    assert.equal((await app.request('/nowhere')).status, 404);
  }
  for (let i = 0; i < 5000; i++) {
    const name = `n${i % 2500}`;
    assert.equal(await (await app.request(`/healthz/${name}`)).text(), `check ${name}`);
  }
});
