import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csiDriverPrinter, csiNodePrinter, storageClassPrinter, volumeAttachmentPrinter } from './storage.js';
import { mutatingAdmissionPolicyPrinter, mutatingWebhookPrinter, policyBindingPrinter, validatingAdmissionPolicyPrinter, validatingWebhookPrinter } from './admission.js';
import { flowSchemaPrinter, priorityLevelConfigurationPrinter } from './flowcontrol.js';
import { assertColumns, ago, cells, D } from './testutil.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, creationTimestamp: ago(400 * D), ...extra });

test('storageclasses', () => {
  assertColumns(storageClassPrinter, [
    ['Name', 0, 'string/name'], ['Provisioner', 0], ['ReclaimPolicy', 0], ['VolumeBindingMode', 0], ['AllowVolumeExpansion', 0], ['Age', 0],
  ]);
  const sc = {
    metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
    provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  };
  assert.deepEqual(cells(storageClassPrinter, sc), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '400d']);
  assert.deepEqual(cells(storageClassPrinter, { metadata: meta('fast'), provisioner: 'csi.example.com', allowVolumeExpansion: true }), ['fast', 'csi.example.com', 'Delete', 'Immediate', true, '400d']);
});

test('csidrivers', () => {
  assertColumns(csiDriverPrinter, [
    ['Name', 0, 'string/name'], ['AttachRequired', 0, 'boolean'], ['PodInfoOnMount', 0, 'boolean'], ['StorageCapacity', 0, 'boolean'],
    ['TokenRequests', 0], ['RequiresRepublish', 0, 'boolean'], ['Modes', 0], ['Age', 0],
  ]);
  const drv = {
    metadata: meta('secrets-store.csi.k8s.io'),
    spec: { attachRequired: false, podInfoOnMount: true, tokenRequests: [{ audience: 'api://a' }, { audience: 'vault' }], requiresRepublish: true, volumeLifecycleModes: ['Ephemeral', 'Persistent'] },
  };
  assert.deepEqual(cells(csiDriverPrinter, drv), ['secrets-store.csi.k8s.io', false, true, false, 'api://a,vault', true, 'Ephemeral,Persistent', '400d']);
  assert.deepEqual(cells(csiDriverPrinter, { metadata: meta('d') }), ['d', true, false, false, '<unset>', false, '<none>', '400d']);
});

test('csinodes and volumeattachments', () => {
  assertColumns(csiNodePrinter, [['Name', 0, 'string/name'], ['Drivers', 0, 'integer'], ['Age', 0]]);
  assert.deepEqual(cells(csiNodePrinter, { metadata: meta('n1'), spec: { drivers: [{ name: 'a', nodeID: 'n1' }] } }), ['n1', 1, '400d']);
  assertColumns(volumeAttachmentPrinter, [['Name', 0, 'string/name'], ['Attacher', 0, 'string/name'], ['PV', 0], ['Node', 0], ['Attached', 0, 'boolean'], ['Age', 0]]);
  assert.deepEqual(
    cells(volumeAttachmentPrinter, { metadata: meta('csi-123'), spec: { attacher: 'ebs.csi.aws.com', nodeName: 'n1', source: { persistentVolumeName: 'pv-1' } }, status: { attached: true } }),
    ['csi-123', 'ebs.csi.aws.com', 'pv-1', 'n1', true, '400d'],
  );
  assert.deepEqual(cells(volumeAttachmentPrinter, { metadata: meta('inline'), spec: { attacher: 'a', nodeName: 'n', source: { inlineVolumeSpec: {} } } }).slice(2, 5), ['', 'n', false]);
});

test('webhook configurations and admission policies', () => {
  assertColumns(mutatingWebhookPrinter, [['Name', 0, 'string/name'], ['Webhooks', 0, 'integer'], ['Age', 0]]);
  assertColumns(validatingWebhookPrinter, [['Name', 0, 'string/name'], ['Webhooks', 0, 'integer'], ['Age', 0]]);
  assert.deepEqual(cells(validatingWebhookPrinter, { metadata: meta('v'), webhooks: [{ name: 'a.example.com' }, { name: 'b.example.com' }] }), ['v', 2, '400d']);
  assert.deepEqual(cells(mutatingWebhookPrinter, { metadata: meta('m') }), ['m', 0, '400d']);
  assertColumns(validatingAdmissionPolicyPrinter, [['Name', 0, 'string/name'], ['Validations', 0, 'integer'], ['ParamKind', 0], ['Age', 0]]);
  assertColumns(mutatingAdmissionPolicyPrinter, [['Name', 0, 'string/name'], ['Mutations', 0, 'integer'], ['ParamKind', 0], ['Age', 0]]);
  assert.deepEqual(
    cells(validatingAdmissionPolicyPrinter, { metadata: meta('replicas'), spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'true' }] } }),
    ['replicas', 1, 'v1/ConfigMap', '400d'],
  );
  assert.deepEqual(cells(validatingAdmissionPolicyPrinter, { metadata: meta('p'), spec: {} }), ['p', 0, '<unset>', '400d']);
  assertColumns(policyBindingPrinter, [['Name', 0, 'string/name'], ['PolicyName', 0], ['ParamRef', 0], ['Age', 0]]);
  const b = (paramRef?: unknown) => ({ metadata: meta('b'), spec: { policyName: 'replicas', paramRef, validationActions: ['Deny'] } });
  assert.deepEqual(cells(policyBindingPrinter, b()), ['b', 'replicas', '<unset>', '400d']);
  assert.equal(cells(policyBindingPrinter, b({ name: 'limits', namespace: 'ns1' }))[2], 'ns1/limits');
  assert.equal(cells(policyBindingPrinter, b({ name: 'limits' }))[2], '*/limits');
  assert.equal(cells(policyBindingPrinter, b({ selector: { matchLabels: { env: 'prod' } } }))[2], '&LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{},}');
});

test('flowschemas and prioritylevelconfigurations', () => {
  assertColumns(flowSchemaPrinter, [
    ['Name', 0, 'string/name'], ['PriorityLevel', 0], ['MatchingPrecedence', 0], ['DistinguisherMethod', 0], ['Age', 0], ['MissingPL', 0],
  ]);
  const fs = {
    metadata: meta('kube-scheduler'),
    spec: { priorityLevelConfiguration: { name: 'workload-high' }, matchingPrecedence: 800, distinguisherMethod: { type: 'ByNamespace' } },
    status: { conditions: [{ type: 'Dangling', status: 'False', reason: 'Found' }] },
  };
  assert.deepEqual(cells(flowSchemaPrinter, fs), ['kube-scheduler', 'workload-high', 800, 'ByNamespace', '400d', 'False']);
  assert.deepEqual(cells(flowSchemaPrinter, { metadata: meta('exempt'), spec: { priorityLevelConfiguration: { name: 'exempt' }, matchingPrecedence: 1 } }).slice(3), ['<none>', '400d', '?']);
  const items = [
    { metadata: { name: 'b' }, spec: { matchingPrecedence: 100 } }, { metadata: { name: 'a' }, spec: { matchingPrecedence: 100 } },
    { metadata: { name: 'z' }, spec: { matchingPrecedence: 1 } },
  ];
  assert.deepEqual([...items].sort(flowSchemaPrinter.compare!).map((i) => i.metadata.name), ['z', 'a', 'b']);

  assertColumns(priorityLevelConfigurationPrinter, [
    ['Name', 0, 'string/name'], ['Type', 0], ['NominalConcurrencyShares', 0], ['Queues', 0], ['HandSize', 0], ['QueueLengthLimit', 0], ['Age', 0],
  ]);
  const limited = {
    metadata: meta('global-default'),
    spec: { type: 'Limited', limited: { nominalConcurrencyShares: 20, lendablePercent: 50, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } } } },
  };
  assert.deepEqual(cells(priorityLevelConfigurationPrinter, limited), ['global-default', 'Limited', 20, 128, 6, 50, '400d']);
  const reject = { metadata: meta('r'), spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Reject' } } } };
  assert.deepEqual(cells(priorityLevelConfigurationPrinter, reject).slice(1, 6), ['Limited', 5, '<none>', '<none>', '<none>']);
  assert.deepEqual(cells(priorityLevelConfigurationPrinter, { metadata: meta('exempt'), spec: { type: 'Exempt', exempt: {} } }).slice(1, 6), ['Exempt', '<none>', '<none>', '<none>', '<none>']);
});
