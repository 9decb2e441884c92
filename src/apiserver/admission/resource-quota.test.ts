import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from '../../registry/index.js';
import type { AdmissionAttributes, KObject, RequestContext } from '../../registry/types.js';
import { StatusError } from '../../apimachinery/errors.js';
import { ResourceQuotaAdmission } from './resource-quota.js';

function fakeRegistry(quotas: KObject[]): Registry {
  const store = {
    list: async () => ({ items: quotas.map((q) => structuredClone(q)), resourceVersion: '1' }),
    update: async (_ns: string, name: string, transform: (cur: KObject) => KObject | null) => {
      const i = quotas.findIndex((q) => q.metadata.name === name);
      const next = transform(structuredClone(quotas[i]));
      if (next) quotas[i] = next;
      return { obj: quotas[i], created: false };
    },
  };
  return { store: () => store } as unknown as Registry;
}

const attrs = (resource: string, operation: 'CREATE' | 'UPDATE' = 'CREATE'): AdmissionAttributes =>
  ({ def: { group: '', resource, kind: '' }, operation, namespace: 'ns', name: 'x', subresource: '' }) as unknown as AdmissionAttributes;
const ctx = { dryRun: false, warnings: [] } as unknown as RequestContext;
const quota = (name: string, hard: Record<string, string>, used?: Record<string, string>) => ({ metadata: { name, namespace: 'ns' }, spec: { hard }, status: { hard, ...(used ? { used } : {}) } });

async function refusal(p: Promise<void>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 403);
    return e.message;
  }
  assert.fail('admitted');
}

test('a create within the quota raises status.used at once; the next one over it is refused', async () => {
  const quotas = [quota('q', { configmaps: '1', secrets: '3' }, { configmaps: '0', secrets: '0' })];
  const adm = new ResourceQuotaAdmission(fakeRegistry(quotas));
  await adm.validate(attrs('configmaps'), { metadata: { name: 'x' } }, undefined, ctx);
  assert.deepEqual(quotas[0].status.used, { configmaps: '1', secrets: '0' });
  assert.equal(await refusal(adm.validate(attrs('configmaps'), { metadata: { name: 'x' } }, undefined, ctx)),
    'configmaps "x" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=1, limited: configmaps=1');
});

test('a quota whose usage is not yet known refuses what it would count', async () => {
  const adm = new ResourceQuotaAdmission(fakeRegistry([quota('fresh', { services: '2', 'services.nodeports': '1' })]));
  assert.equal(await refusal(adm.validate(attrs('services'), { metadata: { name: 'x' }, spec: { type: 'ClusterIP' } }, undefined, ctx)),
    'services "x" is forbidden: status unknown for quota: fresh, resources: services,services.nodeports');
});

test('zero charges are ignored: a ClusterIP service passes a quota already over on node ports', async () => {
  const quotas = [quota('np', { 'services.nodeports': '1' }, { 'services.nodeports': '3' })];
  const adm = new ResourceQuotaAdmission(fakeRegistry(quotas));
  await adm.validate(attrs('services'), { metadata: { name: 'x' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }, undefined, ctx);
  assert.deepEqual(quotas[0].status.used, { 'services.nodeports': '3' });
});

const pcPod = (pc: string, cpu = '100m') => ({ metadata: { name: 'x' }, spec: { priorityClassName: pc, containers: [{ name: 'c', resources: { requests: { cpu } } }] } });
const critical = [{ resource: 'pods', matchScopes: [{ scopeName: 'PriorityClass', operator: 'In', values: ['cluster-services'] }] }];

test('a pod in a configured matchScope needs a quota whose scope takes it: otherwise a 500 naming the scopes in Go syntax', async () => {
  const adm = new ResourceQuotaAdmission(fakeRegistry([]), critical);
  await assert.rejects(adm.validate(attrs('pods'), pcPod('cluster-services'), undefined, ctx), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 500);
    assert.equal(e.reason, '');
    assert.equal(e.message, 'insufficient quota to match these scopes: [{PriorityClass In [cluster-services]}]');
    return true;
  });
  // not in the scope: let in without any quota
  await adm.validate(attrs('pods'), pcPod('other'), undefined, ctx);
});

test('a quota whose scope selector takes the pod covers the configured scope, and charges it', async () => {
  const scoped = { ...quota('crit', { pods: '2' }, { pods: '0' }), spec: { hard: { pods: '2' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['cluster-services'] }] } } };
  const elsewhere = { ...quota('else', { pods: '2' }, { pods: '0' }), spec: { hard: { pods: '2' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['low'] }] } } };
  await assert.rejects(new ResourceQuotaAdmission(fakeRegistry([elsewhere]), critical).validate(attrs('pods'), pcPod('cluster-services'), undefined, ctx), /insufficient quota to match these scopes/);
  const quotas = [scoped, elsewhere];
  await new ResourceQuotaAdmission(fakeRegistry(quotas), critical).validate(attrs('pods'), pcPod('cluster-services'), undefined, ctx);
  assert.deepEqual([quotas[0].status.used, quotas[1].status.used], [{ pods: '1' }, { pods: '0' }]);
});

test('a configured scope selector that cannot be evaluated (In without values) lets every request through', async () => {
  const broken = [{ resource: 'pods', matchScopes: [{ scopeName: 'PriorityClass', operator: 'In', values: [] }, { scopeName: 'BestEffort', operator: 'Exists' }] }];
  await new ResourceQuotaAdmission(fakeRegistry([]), broken).validate(attrs('pods'), { metadata: { name: 'x' }, spec: { containers: [{ name: 'c' }] } }, undefined, ctx);
});

test('the CrossNamespacePodAffinity scope takes a pod whose affinity term names or selects namespaces', async () => {
  const limited = [{ resource: 'pods', matchScopes: [{ scopeName: 'CrossNamespacePodAffinity', operator: 'Exists' }] }];
  const adm = new ResourceQuotaAdmission(fakeRegistry([]), limited);
  const affinity = (term: Record<string, unknown>) => ({ metadata: { name: 'x' }, spec: { containers: [{ name: 'c' }], affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'k', ...term } }] } } } });
  await assert.rejects(adm.validate(attrs('pods'), affinity({ namespaceSelector: {} }), undefined, ctx), /\[\{CrossNamespacePodAffinity Exists \[\]\}\]/);
  await adm.validate(attrs('pods'), affinity({}), undefined, ctx);
});

test('only consumed usage is limited by default: a pod asking for zero cpu needs no covering quota', async () => {
  const adm = new ResourceQuotaAdmission(fakeRegistry([]), [{ resource: 'pods', matchContains: ['cpu'] }]);
  await adm.validate(attrs('pods'), pcPod('', '0'), undefined, ctx);
  assert.equal(await refusal(adm.validate(attrs('pods'), pcPod(''), undefined, ctx)), 'pods "x" is forbidden: insufficient quota to consume: cpu,requests.cpu');
});
