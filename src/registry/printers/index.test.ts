import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPrinter, humanDuration, translateTimestampSince } from './index.js';
import { builtinResources } from '../resources/all.js';
import { podPrinter } from './pod.js';
import { NOW } from './testutil.js';

const ALL: [string, string][] = [
  ['', 'pods'], ['', 'podtemplates'], ['', 'replicationcontrollers'], ['', 'services'], ['', 'endpoints'], ['', 'nodes'], ['', 'events'],
  ['', 'namespaces'], ['', 'secrets'], ['', 'serviceaccounts'], ['', 'persistentvolumes'], ['', 'persistentvolumeclaims'], ['', 'configmaps'],
  ['', 'resourcequotas'], ['events.k8s.io', 'events'], ['apps', 'deployments'], ['apps', 'replicasets'], ['apps', 'statefulsets'],
  ['apps', 'daemonsets'], ['apps', 'controllerrevisions'], ['batch', 'jobs'], ['batch', 'cronjobs'], ['autoscaling', 'horizontalpodautoscalers'],
  ['policy', 'poddisruptionbudgets'], ['networking.k8s.io', 'ingresses'], ['networking.k8s.io', 'ingressclasses'], ['networking.k8s.io', 'networkpolicies'],
  ['rbac.authorization.k8s.io', 'rolebindings'], ['rbac.authorization.k8s.io', 'clusterrolebindings'], ['certificates.k8s.io', 'certificatesigningrequests'],
  ['coordination.k8s.io', 'leases'], ['scheduling.k8s.io', 'priorityclasses'], ['node.k8s.io', 'runtimeclasses'], ['storage.k8s.io', 'storageclasses'],
  ['storage.k8s.io', 'csidrivers'], ['storage.k8s.io', 'csinodes'], ['storage.k8s.io', 'volumeattachments'], ['discovery.k8s.io', 'endpointslices'],
  ['flowcontrol.apiserver.k8s.io', 'flowschemas'], ['flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations'], ['apiregistration.k8s.io', 'apiservices'],
  ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations'], ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'],
  ['admissionregistration.k8s.io', 'validatingadmissionpolicies'], ['admissionregistration.k8s.io', 'validatingadmissionpolicybindings'],
  ['admissionregistration.k8s.io', 'mutatingadmissionpolicies'], ['admissionregistration.k8s.io', 'mutatingadmissionpolicybindings'],
  ['', 'componentstatuses'], ['networking.k8s.io', 'servicecidrs'], ['networking.k8s.io', 'ipaddresses'], ['storage.k8s.io', 'csistoragecapacities'],
  ['storage.k8s.io', 'volumeattributesclasses'], ['resource.k8s.io', 'deviceclasses'], ['resource.k8s.io', 'resourceclaims'],
  ['resource.k8s.io', 'resourceclaimtemplates'], ['resource.k8s.io', 'resourceslices'], ['coordination.k8s.io', 'leasecandidates'],
  ['certificates.k8s.io', 'clustertrustbundles'], ['internal.apiserver.k8s.io', 'storageversions'], ['storagemigration.k8s.io', 'storageversionmigrations'],
];

test('every served kind with upstream columns carries its printer; the others use the default one', () => {
  const printerOf = (g: string, r: string) => builtinResources.find((d) => d.group === g && d.resource === r)?.printer;
  assert.equal(printerOf('', 'pods'), podPrinter);
  const served = ALL.filter(([g, r]) => builtinResources.some((d) => d.group === g && d.resource === r));
  assert.ok(served.length >= 45);
  for (const [g, r] of served) assert.ok(printerOf(g, r), `${g}/${r}`);
  for (const [g, r] of [['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'clusterroles'], ['', 'limitranges'], ['apiextensions.k8s.io', 'customresourcedefinitions']] as const) {
    assert.equal(printerOf(g, r), undefined, `${g}/${r}`);
  }
});

test('default printer: Name and Created At (date, RFC3339 cell)', () => {
  assert.deepEqual(defaultPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]), [['Name', 'string', 'name', 0], ['Created At', 'date', '', 0]]);
  assert.match(defaultPrinter.columns[0]!.description, /^Name must be unique within a namespace\./);
  assert.match(defaultPrinter.columns[1]!.description, /^CreationTimestamp is a timestamp representing the server time/);
  assert.deepEqual(defaultPrinter.row({ metadata: { name: 'admin', creationTimestamp: '2025-05-30T08:01:02Z' } }, NOW).cells, ['admin', '2025-05-30T08:01:02Z']);
  assert.deepEqual(defaultPrinter.row({}, NOW).cells, ['', '0001-01-01T00:00:00Z']);
});

test('every printer tolerates partial objects and fills one cell per column', () => {
  const partials: unknown[] = [{}, { metadata: {} }, { metadata: { name: 'x' }, spec: {}, status: {} }, null, { spec: null, status: null }];
  for (const d of builtinResources) {
    const p = d.printer ?? defaultPrinter;
    const [g, r] = [d.group, d.resource];
    for (const o of partials) {
      const row = p.row(o, NOW);
      // upstream's ipaddresses printer emits one more cell (age) than it declares columns
      assert.equal(row.cells.length, p.columns.length + (r === 'ipaddresses' ? 1 : 0), `${g}/${r}`);
      for (const c of row.cells) assert.ok(['string', 'number', 'boolean'].includes(typeof c), `${g}/${r} cell ${String(c)}`);
    }
    for (const c of p.columns) assert.ok(['string', 'integer', 'number', 'boolean', 'date'].includes(c.type));
  }
});

test('re-exported time helpers', () => {
  assert.equal(humanDuration(3 * 60_000 + 2_000), '3m2s');
  assert.equal(translateTimestampSince(undefined, NOW), '<unknown>');
});
