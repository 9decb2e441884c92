import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCRDV3Document, buildCRDVersionSpec } from './crd-documents.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const crd = (kind: string, plural: string, subresources?: Obj): Obj => ({
  metadata: { name: `${plural}.example.com` },
  spec: { group: 'example.com', scope: 'Cluster', names: { plural, kind, listKind: `${kind}List` }, versions: [{ name: 'v1', served: true, storage: true, subresources, schema: { openAPIV3Schema: { type: 'object' } } }] },
});
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

describe('CRD OpenAPI v3 documents (MergeSpecsV3 of the CRDs of one group-version)', () => {
  test('two CRDs of one group-version share a document: both kinds, their paths, the meta types once', () => {
    const doc = buildCRDV3Document([buildCRDVersionSpec(crd('Widget', 'widgets'), 'v1'), buildCRDVersionSpec(crd('Gadget', 'gadgets', { scale: { specReplicasPath: '.spec.r', statusReplicasPath: '.status.r' } }), 'v1')], [{ group: '', version: 'v1' }]);
    assert.deepEqual(Object.keys(doc.paths), ['/apis/example.com/v1/gadgets', '/apis/example.com/v1/gadgets/{name}', '/apis/example.com/v1/gadgets/{name}/scale', '/apis/example.com/v1/widgets', '/apis/example.com/v1/widgets/{name}']);
    assert.deepEqual(Object.keys(doc.components.schemas), [
      'com.example.v1.Gadget',
      'com.example.v1.GadgetList',
      'com.example.v1.Widget',
      'com.example.v1.WidgetList',
      'io.k8s.api.autoscaling.v1.Scale',
      'io.k8s.api.autoscaling.v1.ScaleSpec',
      'io.k8s.api.autoscaling.v1.ScaleStatus',
      `${META}.DeleteOptions`,
      `${META}.FieldsV1`,
      `${META}.ListMeta`,
      `${META}.ManagedFieldsEntry`,
      `${META}.ObjectMeta`,
      `${META}.OwnerReference`,
      `${META}.Patch`,
      `${META}.Preconditions`,
      `${META}.Status`,
      `${META}.StatusCause`,
      `${META}.StatusDetails`,
      `${META}.Time`,
    ]);
    assert.deepEqual(doc.components.schemas[`${META}.DeleteOptions`]['x-kubernetes-group-version-kind'], [{ group: '', kind: 'DeleteOptions', version: 'v1' }]);
  });

  test('operations: list with its parameters on the path, delete with an optional DeleteOptions body, patch without strategic merge', () => {
    const { paths } = buildCRDVersionSpec(crd('Widget', 'widgets'), 'v1');
    const all = paths['/apis/example.com/v1/widgets'];
    assert.deepEqual(Object.keys(all), ['get', 'post', 'delete', 'parameters']);
    assert.equal(all.delete.requestBody, undefined);
    assert.deepEqual(all.post.requestBody, { content: { 'application/json': { schema: { $ref: '#/components/schemas/com.example.v1.Widget' } }, 'application/yaml': { schema: { $ref: '#/components/schemas/com.example.v1.Widget' } } }, required: true });
    const item = paths['/apis/example.com/v1/widgets/{name}'];
    assert.deepEqual(item.delete.requestBody, { content: { 'application/json': { schema: { $ref: `#/components/schemas/${META}.DeleteOptions` } }, 'application/yaml': { schema: { $ref: `#/components/schemas/${META}.DeleteOptions` } } } });
    assert.deepEqual(Object.keys(item.delete.responses), ['200', '202', '401']);
    assert.deepEqual(item.delete.responses['401'], { description: 'Unauthorized' });
    assert.deepEqual(item.patch.requestBody.required, true);
    assert.deepEqual(Object.keys(item.patch.requestBody.content), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    assert.deepEqual(item.parameters, [
      { name: 'name', in: 'path', description: 'name of the Widget', required: true, schema: { type: 'string', uniqueItems: true } },
      { name: 'pretty', in: 'query', description: "If 'true', the output is pretty printed.", schema: { type: 'string', uniqueItems: true } },
    ]);
  });
});
