import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:https';
import { builtinResources } from '../registry/resources/all.js';
import type { ResourceDef } from '../registry/types.js';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { OpenAPIService, gvPath } from './index.js';
import { buildV3Document, type GroupVersionDefs, type Json } from './v3.js';
import { buildV2Document, encodeV2 } from './v2.js';
import { decodeV2 } from './gnostic-decode.js';

function groupVersions(defs: readonly ResourceDef[]): GroupVersionDefs[] {
  const m = new Map<string, GroupVersionDefs>();
  for (const d of defs) {
    if (d.computed) continue;
    const k = gvPath(d.group, d.version);
    if (!m.has(k)) m.set(k, { group: d.group, version: d.version, defs: [] });
    m.get(k)!.defs.push(d);
  }
  return [...m.values()];
}

const GVS = groupVersions(builtinResources);
const v3 = (group: string, version: string): Json => buildV3Document(GVS.find((g) => g.group === group && g.version === version)!, { gitVersion: 'v1.33.1', allGVs: GVS });

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) refsIn(x, out);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  return out;
}

describe('OpenAPI v3 documents', () => {
  test('apps/v1: PATCH operations carry the GVK, fieldValidation and the four patch content types', () => {
    const doc = v3('apps', 'v1');
    assert.equal(doc.openapi, '3.0.0');
    assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.33.1' });
    const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
    const patch = item.patch;
    assert.equal(patch.operationId, 'patchAppsV1NamespacedDeployment');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
    assert.equal(patch['x-kubernetes-action'], 'patch');
    assert.ok(patch.parameters.some((p: Json) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.deepEqual(Object.keys(patch.requestBody.content).sort(), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    assert.equal(patch.requestBody.content['application/strategic-merge-patch+json'].schema.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
    assert.equal(patch.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.apps.v1.Deployment');
    assert.deepEqual(item.parameters.map((p: Json) => `${p.in}:${p.name}`), ['path:name', 'path:namespace', 'query:pretty']);
    const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch;
    assert.deepEqual(scale['x-kubernetes-group-version-kind'], { group: 'autoscaling', kind: 'Scale', version: 'v1' });
    assert.equal(doc.paths['/apis/apps/v1/deployments'].get.operationId, 'listAppsV1DeploymentForAllNamespaces');
    assert.equal(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post['x-kubernetes-action'], 'post');
  });

  test('kind schemas: group-version-kind list, $ref via allOf, patch and list extensions', () => {
    const s = v3('apps', 'v1').components.schemas;
    const dep = s['io.k8s.api.apps.v1.Deployment'];
    assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.equal(dep.type, 'object');
    assert.deepEqual(dep.properties.spec, { allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }] });
    assert.equal(s['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy'], 'retainKeys');
    assert.deepEqual(s['io.k8s.api.apps.v1.DeploymentSpec'].required, ['selector', 'template']);
    const containers = s['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.equal(containers.type, 'array');
    assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-list-type'], 'map');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
    assert.deepEqual(s['io.k8s.api.core.v1.Container'].properties.imagePullPolicy.enum, ['Always', 'IfNotPresent', 'Never']);
    assert.deepEqual(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.equal(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
    assert.equal(s['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type'], 'atomic');
    const deleteGVKs = s['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']['x-kubernetes-group-version-kind'];
    assert.ok(deleteGVKs.some((g: Json) => g.group === 'apps' && g.version === 'v1' && g.kind === 'DeleteOptions'));
    assert.ok(deleteGVKs.some((g: Json) => g.group === '' && g.version === 'v1' && g.kind === 'DeleteOptions'));
    assert.equal(s['io.k8s.api.batch.v1.Job'], undefined, 'only what apps/v1 reaches');
  });

  test('every served group-version: all references resolve and every kind is explainable', () => {
    for (const gv of GVS) {
      const doc = v3(gv.group, gv.version);
      const schemas = doc.components.schemas;
      for (const ref of refsIn(doc)) assert.ok(schemas[ref.slice('#/components/schemas/'.length)], `${gvPath(gv.group, gv.version)}: ${ref}`);
      for (const d of gv.defs) {
        const want = { group: d.group, kind: d.kind, version: d.version };
        const kindSchema = Object.values(schemas as Record<string, Json>).find((x) => (x['x-kubernetes-group-version-kind'] ?? []).some((g: Json) => g.group === d.group && g.version === d.version && g.kind === d.kind));
        assert.ok(kindSchema, `${d.kind} schema in ${gvPath(gv.group, gv.version)}`);
        const base = d.namespaced ? `/${gvPath(d.group, d.version)}/namespaces/{namespace}/${d.resource}` : `/${gvPath(d.group, d.version)}/${d.resource}`;
        const ops = [doc.paths[base], doc.paths[`${base}/{name}`]].filter(Boolean).flatMap((p: Json) => Object.values(p as Record<string, Json>));
        assert.ok(
          ops.some((op: Json) => JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(want)),
          `${d.resource}: an operation with ${JSON.stringify(want)}`,
        );
      }
    }
  });
});

describe('OpenAPI v2', () => {
  test('the gnostic protobuf decodes back to the swagger document', () => {
    const doc = buildV2Document(GVS, { gitVersion: 'v1.33.1' });
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, 'string');
    assert.equal(doc.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.template.$ref, '#/definitions/io.k8s.api.core.v1.PodTemplateSpec');
    const pb = decodeV2(encodeV2(doc));
    assert.equal(pb.swagger, '2.0');
    assert.equal(pb.info.version, 'v1.33.1');
    assert.equal(pb.paths.path.length, Object.keys(doc.paths).length);
    assert.equal(pb.definitions.additionalProperties.length, Object.keys(doc.definitions).length);
    const item = pb.paths.path.find((p: Json) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}').value;
    const gvk = item.patch.vendorExtension.find((e: Json) => e.name === 'x-kubernetes-group-version-kind');
    assert.deepEqual(JSON.parse(gvk.value.yaml), { group: 'apps', kind: 'Deployment', version: 'v1' });
    const names = item.patch.parameters.map((p: Json) => {
      const param = p.oneof.value.oneof;
      return param.case === 'bodyParameter' ? `body:${param.value.name}` : `${param.value.oneof.value.in}:${param.value.oneof.value.name}`;
    });
    assert.deepEqual(names, ['body:body', 'query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force']);
    const podSpec = pb.definitions.additionalProperties.find((d: Json) => d.name === 'io.k8s.api.core.v1.PodSpec').value;
    const containers = podSpec.properties.additionalProperties.find((p: Json) => p.name === 'containers').value;
    assert.deepEqual(containers.type.value, ['array']);
    assert.equal(containers.items.schema[0].ref, '#/definitions/io.k8s.api.core.v1.Container');
    assert.deepEqual(
      Object.fromEntries(containers.vendorExtension.map((e: Json) => [e.name, JSON.parse(e.value.yaml)])),
      { 'x-kubernetes-list-map-keys': ['name'], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
    );
  });
});

describe('document cache and hashes', () => {
  test('documents are built once, and the hash changes when the served resources change', () => {
    const registry = { defs: builtinResources.slice() };
    const svc = new OpenAPIService(registry, { gitVersion: 'v1.33.1' });
    const a = svc.v3Document('apis/apps/v1')!;
    assert.equal(svc.v3Document('apis/apps/v1'), a, 'cached');
    assert.equal(a.etag, createHash('sha512').update(a.body).digest('hex').toUpperCase());
    const index = JSON.parse(svc.v3Index().body.toString());
    assert.equal(index.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${a.etag}`);
    registry.defs = registry.defs.filter((d) => d.resource !== 'statefulsets');
    const b = svc.v3Document('apis/apps/v1')!;
    assert.notEqual(b.etag, a.etag);
    assert.equal(JSON.parse(b.body.toString()).paths['/apis/apps/v1/namespaces/{namespace}/statefulsets'], undefined);
    assert.equal(svc.v3Document('apis/nope/v1'), undefined);
  });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('OpenAPI endpoints', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.cleanup();
  });
  const get = (path: string, headers: Record<string, string> = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(`${c.url}${path}`, { ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  test('/openapi/v3 lists every served group-version with a content hash', async () => {
    const r = await get('/openapi/v3', { Accept: 'application/json, */*' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.match(String(r.headers.etag), /^"[0-9A-F]{128}"$/);
    const index = JSON.parse(r.body.toString());
    const want = [...new Set(c.registry.defs.filter((d) => !d.computed).map((d) => gvPath(d.group, d.version)))].sort();
    assert.deepEqual(Object.keys(index.paths).sort(), want);
    for (const [gv, { serverRelativeURL }] of Object.entries(index.paths as Record<string, { serverRelativeURL: string }>)) assert.match(serverRelativeURL, new RegExp(`^/openapi/v3/${gv}\\?hash=[0-9A-F]{128}$`));
  });

  test('hashed group-version documents are immutable; a stale hash redirects; If-None-Match gives 304', async () => {
    const index = JSON.parse((await get('/openapi/v3')).body.toString());
    const url: string = index.paths['apis/apps/v1'].serverRelativeURL;
    const hash = url.slice(url.indexOf('hash=') + 5);
    const r = await get(url, { Accept: 'application/json' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['cache-control'], 'public, immutable');
    assert.equal(r.headers.etag, `"${hash}"`);
    assert.ok(r.headers.expires && Date.parse(String(r.headers.expires)) > Date.now() + 300 * 86400_000);
    assert.equal(createHash('sha512').update(r.body).digest('hex').toUpperCase(), hash);
    assert.equal(JSON.parse(r.body.toString()).openapi, '3.0.0');

    const plain = await get('/openapi/v3/apis/apps/v1');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['cache-control'], undefined);

    const stale = await get('/openapi/v3/apis/apps/v1?hash=0123');
    assert.equal(stale.status, 301);
    assert.equal(stale.headers.location, url);

    const again = await get('/openapi/v3/apis/apps/v1', { 'If-None-Match': `"${hash}"` });
    assert.equal(again.status, 304);

    assert.equal((await get('/openapi/v3/apis/nope.example.com/v1')).status, 404);
  });

  test('/openapi/v2 answers gnostic protobuf to kubectl and JSON otherwise', async () => {
    const pb = await get('/openapi/v2', { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    assert.equal(pb.status, 200);
    assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const doc = decodeV2(pb.body);
    assert.equal(doc.swagger, '2.0');
    assert.ok(doc.definitions.additionalProperties.some((d: Json) => d.name === 'io.k8s.api.core.v1.Pod'));
    const legacy = await get('/swagger-2.0.0.pb-v1');
    assert.equal(legacy.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    assert.deepEqual(legacy.body, pb.body);
    const json = await get('/openapi/v2', { Accept: 'application/json' });
    assert.equal(json.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(json.body.toString()).swagger, '2.0');
  });
});
