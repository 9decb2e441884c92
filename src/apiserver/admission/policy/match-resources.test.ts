import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdmissionAttributes, ResourceDef } from '../../../registry/types.js';
import { matchResources, type MatchContext } from './match-resources.js';

const def = (group: string, version: string, resource: string, kind: string, namespaced = true) => ({ group, version, resource, kind, namespaced }) as ResourceDef;
const hpaV2 = def('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler');
const hpaV1 = def('autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler');
const deployments = def('apps', 'v1', 'deployments', 'Deployment');

const attrs = (d: ResourceDef, operation: AdmissionAttributes['operation'] = 'CREATE', name = 'x', subresource = ''): AdmissionAttributes => ({ def: d, operation, namespace: 'ns', name, subresource });
const ctx = (labels?: Record<string, string>): MatchContext => ({ namespaceLabels: async () => labels, equivalents: (d) => (d === hpaV2 ? [hpaV1] : d === hpaV1 ? [hpaV2] : []) });
const rule = (extra: Record<string, unknown> = {}) => ({ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*', ...extra });
const obj = (labels: Record<string, string> = {}) => ({ metadata: { name: 'x', labels } });

describe('matchResources', () => {
  test('absent criteria and empty resourceRules take everything', async () => {
    assert.deepEqual(await matchResources(undefined, attrs(deployments), obj(), undefined, ctx({})), { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' });
    assert.ok(await matchResources({ namespaceSelector: {}, objectSelector: {} }, attrs(deployments), obj(), undefined, ctx({})));
  });

  test('resource rules by operation, resource, subresource and resourceNames; excludes win', async () => {
    const m = { resourceRules: [rule()] };
    assert.ok(await matchResources(m, attrs(deployments), obj(), undefined, ctx({})));
    assert.equal(await matchResources(m, attrs(deployments, 'DELETE'), undefined, obj(), ctx({})), undefined);
    assert.equal(await matchResources(m, attrs(deployments, 'UPDATE', 'x', 'scale'), obj(), obj(), ctx({})), undefined);
    assert.equal(await matchResources({ resourceRules: [rule({ resourceNames: ['y'] })] }, attrs(deployments), obj(), undefined, ctx({})), undefined);
    assert.ok(await matchResources({ resourceRules: [rule({ resourceNames: ['x'] })] }, attrs(deployments), obj(), undefined, ctx({})));
    assert.equal(await matchResources({ resourceRules: [rule()], excludeResourceRules: [rule({ resourceNames: ['x'] })] }, attrs(deployments), obj(), undefined, ctx({})), undefined);
  });

  test('namespace and object selectors; an object matches by its new or old labels', async () => {
    const m = { resourceRules: [rule()], namespaceSelector: { matchLabels: { env: 'prod' } } };
    assert.ok(await matchResources(m, attrs(deployments), obj(), undefined, ctx({ env: 'prod' })));
    assert.equal(await matchResources(m, attrs(deployments), obj(), undefined, ctx({ env: 'dev' })), undefined);
    // cluster-scoped requests are not subject to the namespace selector
    assert.ok(await matchResources(m, attrs(deployments), obj(), undefined, ctx(undefined)));
    const o = { resourceRules: [rule()], objectSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } };
    assert.equal(await matchResources(o, attrs(deployments), obj(), undefined, ctx({})), undefined);
    assert.ok(await matchResources(o, attrs(deployments, 'UPDATE'), obj(), obj({ team: 'a' }), ctx({})));
  });

  test('matchPolicy Equivalent matches another served version and reports it; Exact does not', async () => {
    const r = { operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v1'], resources: ['horizontalpodautoscalers'] };
    assert.deepEqual(await matchResources({ resourceRules: [r], matchPolicy: 'Equivalent' }, attrs(hpaV2), obj(), undefined, ctx({})), { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler' });
    assert.equal(await matchResources({ resourceRules: [r], matchPolicy: 'Exact' }, attrs(hpaV2), obj(), undefined, ctx({})), undefined);
  });
});
