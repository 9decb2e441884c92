import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { LAST_APPLIED, applyConfiguration, managerOrUserAgent, updateManagedFields, type FieldManagerScope } from './field-manager.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type KObject = Record<string, any>;

const scope: FieldManagerScope = { group: 'apps', version: 'v1', kind: 'Deployment', subresource: '', resetFields: [['status']] };
const T1 = '2024-01-01T00:00:00Z';
const T2 = '2024-01-01T00:01:00Z';

function deployment(replicas = 2): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', env: [{ name: 'A', value: '1' }] }] } },
    },
  };
}

/** A stored object: created through updateManagedFields, then given a uid like the store does. */
function created(obj: KObject, manager: string): KObject {
  const o = structuredClone(obj);
  updateManagedFields(scope, undefined, o, manager, T1);
  o.metadata.uid = 'uid-1';
  return o;
}

const entries = (o: KObject) => (o.metadata.managedFields ?? []).map((e: KObject) => `${e.manager}/${e.operation}`);
const fieldsOf = (o: KObject, manager: string) => o.metadata.managedFields.find((e: KObject) => e.manager === manager)?.fieldsV1;

test('create records one Update entry for the manager, without metadata system fields', () => {
  const o = created(deployment(), 'kubectl-create');
  assert.deepEqual(o.metadata.managedFields, [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:env': { '.': {}, 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {}, 'f:name': {}, 'f:resources': {} } } },
          },
        },
      },
    },
  ]);
});

test('creates of one shape own the same fields whatever their values; a list item or a null value changes what is owned', () => {
  const a = created(deployment(2), 'm');
  const other = deployment(5);
  other.metadata.name = 'other';
  other.metadata.labels.app = 'other';
  assert.deepEqual(fieldsOf(created(other, 'm'), 'm'), fieldsOf(a, 'm'));
  const renamed = deployment();
  renamed.spec.template.spec.containers[0].name = 'api';
  assert.deepEqual(Object.keys(fieldsOf(created(renamed, 'm'), 'm')['f:spec']['f:template']['f:spec']['f:containers']), ['k:{"name":"api"}']);
  const nulled = deployment();
  nulled.spec.replicas = null;
  assert.equal(fieldsOf(created(nulled, 'm'), 'm')['f:spec']['f:replicas'], undefined);
  assert.deepEqual(fieldsOf(created(deployment(3), 'm'), 'm')['f:spec']['f:replicas'], {});
});

test('an update takes the fields it changes from other managers; a no-op update changes nothing', () => {
  const live = created(deployment(), 'kubectl-create');
  const next = structuredClone(live);
  next.spec.replicas = 5;
  updateManagedFields(scope, live, next, 'kubectl-edit', T2);
  assert.deepEqual(entries(next), ['kubectl-create/Update', 'kubectl-edit/Update']);
  assert.deepEqual(fieldsOf(next, 'kubectl-edit'), { 'f:spec': { 'f:replicas': {} } });
  assert.equal(fieldsOf(next, 'kubectl-create')['f:spec']['f:replicas'], undefined);
  const again = structuredClone(next);
  updateManagedFields(scope, next, again, 'kubectl-edit', '2030-01-01T00:00:00Z');
  assert.deepEqual(again.metadata.managedFields, next.metadata.managedFields);
});

test('managedFields sent in an update replace the recorded ones; an empty list clears them', () => {
  const live = created(deployment(), 'kubectl-client-side-apply');
  const next = structuredClone(live);
  next.metadata.managedFields = [{ ...live.metadata.managedFields[0], manager: 'kubectl', operation: 'Apply' }];
  updateManagedFields(scope, live, next, 'kubectl', T2);
  assert.deepEqual(entries(next), ['kubectl/Apply']);
  const cleared = structuredClone(live);
  cleared.metadata.managedFields = [];
  updateManagedFields(scope, live, cleared, 'kubectl', T2);
  assert.equal(cleared.metadata.managedFields, undefined);
});

test('more than ten update managers are merged into ancient-changes', () => {
  let o = created(deployment(), 'm0');
  for (let i = 1; i <= 11; i++) {
    const next = structuredClone(o);
    next.metadata.labels[`l${i}`] = 'x';
    updateManagedFields(scope, o, next, `m${i}`, `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`);
    o = next;
  }
  const names = entries(o);
  assert.equal(names.length, 10);
  assert.ok(names.includes('ancient-changes/Update'));
  assert.ok(!names.includes('m0/Update') && !names.includes('m1/Update'));
});

test('apply conflicts name the other manager and each field; force moves ownership', () => {
  const live = created(deployment(), 'kubectl-client-side-apply');
  const cfg = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } };
  assert.throws(
    () => applyConfiguration(scope, live, cfg, 'other', false, T2),
    (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 409);
      assert.equal(e.reason, 'Conflict');
      assert.equal(
        e.message,
        'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
      );
      assert.deepEqual(e.details?.causes, [
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.template.spec.containers[name="web"].image' },
      ]);
      return true;
    },
  );
  const forced = applyConfiguration(scope, live, cfg, 'other', true, T2);
  assert.equal(forced.spec.replicas, 5);
  assert.equal(forced.spec.template.spec.containers[0].image, 'nginx:2');
  assert.deepEqual(entries(forced), ['other/Apply', 'kubectl-client-side-apply/Update']);
  assert.deepEqual(fieldsOf(forced, 'other'), {
    'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
  });
  assert.equal(fieldsOf(forced, 'kubectl-client-side-apply')['f:spec']['f:replicas'], undefined);
});

test('an applier that stops applying a field removes it unless someone else owns it', () => {
  const cfg = deployment();
  let o = applyConfiguration(scope, undefined, cfg, 'ssa', false, T1);
  o.metadata.uid = 'uid-1';
  const shared = applyConfiguration(scope, o, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } } }, 'other', false, T1);
  const without = structuredClone(cfg);
  delete without.metadata.labels;
  without.spec.template.spec.containers[0].env = [];
  delete without.spec.replicas;
  o = applyConfiguration(scope, shared, without, 'ssa', false, T2);
  assert.equal(o.spec.replicas, undefined, 'replicas owned only by ssa is removed');
  assert.deepEqual(o.metadata.labels, { app: 'web' }, 'a label co-owned by another applier stays');
  assert.equal(o.spec.template.spec.containers[0].env, undefined, 'the env item is removed');
});

test('kubectl may take over fields client-side apply owned when they match the last-applied annotation', () => {
  const csa = deployment();
  csa.metadata.annotations = { [LAST_APPLIED]: JSON.stringify(deployment()) + '\n' };
  const live = created(csa, 'kubectl-client-side-apply');
  const cfg = deployment(3);
  assert.throws(() => applyConfiguration(scope, live, cfg, 'someone', false, T2), /conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas/);
  const out = applyConfiguration(scope, live, cfg, 'kubectl', false, T2);
  assert.equal(out.spec.replicas, 3);
  assert.deepEqual(JSON.parse(out.metadata.annotations[LAST_APPLIED]), { ...deployment(3), metadata: { ...deployment(3).metadata } });
  assert.ok(out.metadata.annotations[LAST_APPLIED].endsWith('\n'));
});

test('apply checks the object type and version and rejects managedFields in the configuration', () => {
  assert.throws(() => applyConfiguration(scope, undefined, { ...deployment(), apiVersion: 'apps/v2' }, 'm', false), /^Error: invalid object type: apps\/v2, Kind=Deployment$|invalid object type: apps\/v2, Kind=Deployment/);
  assert.throws(() => applyConfiguration(scope, undefined, { ...deployment(), metadata: { name: 'web', managedFields: [] } }, 'm', false), /metadata.managedFields must be nil/);
  assert.throws(
    () => applyConfiguration(scope, undefined, { ...deployment(), spec: { foo: 1 } }, 'm', false),
    (e: unknown) => e instanceof StatusError && e.code === 500 && e.message === 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema',
  );
});

test('the default manager is the User-Agent up to the first slash', () => {
  assert.equal(managerOrUserAgent('', 'kubectl.1.33/v1.33.1 (linux/amd64) kubernetes/abc'), 'kubectl.1.33');
  assert.equal(managerOrUserAgent('mine', 'kubectl/v1.33.1'), 'mine');
  assert.equal(managerOrUserAgent(undefined, 'a\u0001b/1'), 'ab');
});
