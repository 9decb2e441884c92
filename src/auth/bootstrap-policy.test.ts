import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../registry/index.js';
import { MemoryBackend } from '../storage/memory.js';
import { bootstrap } from '../server/bootstrap.js';
import { bootstrapClusterRoles, reconcileBootstrapPolicy, reconcileRole } from './bootstrap-policy.js';

describe('bootstrap policy reconcile', () => {
  test('a second start finds every role and binding as written and writes nothing', async () => {
    const backend = new MemoryBackend();
    const registry = new Registry(backend);
    await bootstrap(registry);
    await reconcileBootstrapPolicy(registry);
    const after = await backend.currentRevision();
    const admin = await registry.mustStore('rbac.authorization.k8s.io', 'clusterroles').get('', 'admin');
    assert.ok(admin.rules.length > 0, 'admin is aggregated at once');
    await reconcileBootstrapPolicy(registry);
    assert.equal(await backend.currentRevision(), after);
    registry.close();
  });

  test('rules equal but for the order of their keys need nothing', () => {
    const expected = bootstrapClusterRoles().find((r) => r.metadata.name === 'system:discovery')!;
    const reordered = structuredClone(expected);
    reordered.rules = reordered.rules.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).reverse()));
    assert.equal(reconcileRole(reordered, expected), null);
  });
});
