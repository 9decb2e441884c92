import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crdPaths, crdTag, toValidOperationID } from './crd-paths.js';

function crd(scope: string, kind: string, plural: string, subresources?: object): Record<string, unknown> {
  return { spec: { group: 'stable.example-corp.com', scope, names: { plural, kind }, versions: [{ name: 'v1beta1', served: true, storage: true, subresources }] } };
}

const summary = (c: Record<string, unknown>) => crdPaths(c, 'v1beta1').map((p) => [p.path, p.params.map((x) => x.name).join(','), p.ops.map((o) => `${o.method} ${o.operationId} "${o.description}" [${o.params.map((x) => x.name).join(',')}] ${Object.keys(o.responses).join(',')}`)]);

describe('CRD paths (apiextensions controller/openapi/builder routes)', () => {
  test('operation ids and tags name the group as GetOperationIDAndTags does', () => {
    assert.equal(toValidOperationID('cert-manager.io', true), 'CertManagerIo');
    assert.equal(toValidOperationID('v1alpha2', true), 'V1alpha2');
    assert.equal(crdTag('cert-manager.io', 'v1'), 'certManagerIo_v1');
    assert.equal(crdTag('gateway.networking.k8s.io', 'v1'), 'gatewayNetworking_v1');
  });

  test('a namespaced CRD with status and scale: every verb, list options hoisted on the all-namespaces path', () => {
    const base = '/apis/stable.example-corp.com/v1beta1';
    assert.deepEqual(summary(crd('Namespaced', 'Instance', 'instances', { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } })), [
      [`${base}/instances`, 'allowWatchBookmarks,continue,fieldSelector,labelSelector,limit,pretty,resourceVersion,resourceVersionMatch,sendInitialEvents,timeoutSeconds,watch', ['get listStableExampleCorpComV1beta1InstanceForAllNamespaces "list objects of kind Instance" [] 200']],
      [
        `${base}/namespaces/{namespace}/instances`,
        'namespace,pretty',
        [
          'get listStableExampleCorpComV1beta1NamespacedInstance "list objects of kind Instance" [allowWatchBookmarks,continue,fieldSelector,labelSelector,limit,resourceVersion,resourceVersionMatch,sendInitialEvents,timeoutSeconds,watch] 200',
          'post createStableExampleCorpComV1beta1NamespacedInstance "create an Instance" [dryRun,fieldManager,fieldValidation] 200,201,202',
          'delete deleteStableExampleCorpComV1beta1CollectionNamespacedInstance "delete collection of Instance" [allowWatchBookmarks,continue,fieldSelector,labelSelector,limit,resourceVersion,resourceVersionMatch,sendInitialEvents,timeoutSeconds,watch] 200',
        ],
      ],
      [
        `${base}/namespaces/{namespace}/instances/{name}`,
        'name,namespace,pretty',
        [
          'get readStableExampleCorpComV1beta1NamespacedInstance "read the specified Instance" [resourceVersion] 200',
          'put replaceStableExampleCorpComV1beta1NamespacedInstance "replace the specified Instance" [dryRun,fieldManager,fieldValidation] 200,201',
          'delete deleteStableExampleCorpComV1beta1NamespacedInstance "delete an Instance" [dryRun,gracePeriodSeconds,ignoreStoreReadErrorWithClusterBreakingPotential,orphanDependents,propagationPolicy] 200,202',
          'patch patchStableExampleCorpComV1beta1NamespacedInstance "partially update the specified Instance" [dryRun,fieldManager,fieldValidation,force] 200',
        ],
      ],
      [
        `${base}/namespaces/{namespace}/instances/{name}/status`,
        'name,namespace,pretty',
        [
          'get readStableExampleCorpComV1beta1NamespacedInstanceStatus "read status of the specified Instance" [resourceVersion] 200',
          'put replaceStableExampleCorpComV1beta1NamespacedInstanceStatus "replace status of the specified Instance" [dryRun,fieldManager,fieldValidation] 200,201',
          'patch patchStableExampleCorpComV1beta1NamespacedInstanceStatus "partially update status of the specified Instance" [dryRun,fieldManager,fieldValidation,force] 200',
        ],
      ],
      [
        `${base}/namespaces/{namespace}/instances/{name}/scale`,
        'name,namespace,pretty',
        [
          'get readStableExampleCorpComV1beta1NamespacedInstanceScale "read scale of the specified Instance" [resourceVersion] 200',
          'put replaceStableExampleCorpComV1beta1NamespacedInstanceScale "replace scale of the specified Instance" [dryRun,fieldManager,fieldValidation] 200,201',
          'patch patchStableExampleCorpComV1beta1NamespacedInstanceScale "partially update scale of the specified Instance" [dryRun,fieldManager,fieldValidation,force] 200',
        ],
      ],
    ]);
  });

  test('a cluster-scoped CRD has no namespace paths; a kind ending in s gets no article', () => {
    const paths = crdPaths(crd('Cluster', 'Settings', 'settings'), 'v1beta1');
    assert.deepEqual(
      paths.map((p) => p.path),
      ['/apis/stable.example-corp.com/v1beta1/settings', '/apis/stable.example-corp.com/v1beta1/settings/{name}'],
    );
    assert.deepEqual(
      paths[1]!.ops.map((o) => [o.operationId, o.description]),
      [
        ['readStableExampleCorpComV1beta1Settings', 'read the specified Settings'],
        ['replaceStableExampleCorpComV1beta1Settings', 'replace the specified Settings'],
        ['deleteStableExampleCorpComV1beta1Settings', 'delete Settings'],
        ['patchStableExampleCorpComV1beta1Settings', 'partially update the specified Settings'],
      ],
    );
    assert.deepEqual(paths[1]!.params.map((p) => p.name), ['name', 'pretty']);
    const del = paths[1]!.ops.find((o) => o.method === 'delete')!;
    assert.deepEqual([del.body, del.bodyRequired, del.responses], ['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', undefined, { '200': 'io.k8s.apimachinery.pkg.apis.meta.v1.Status', '202': 'io.k8s.apimachinery.pkg.apis.meta.v1.Status' }]);
    const patch = paths[1]!.ops.find((o) => o.method === 'patch')!;
    assert.deepEqual([patch.consumes, patch.produces], [['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'], ['application/json', 'application/yaml']]);
  });
});
