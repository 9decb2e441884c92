import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fieldErrorString } from '../apimachinery/errors.js';
import { compileCustomResourceSchema, validateCustomResource } from './custom-resource-validation.js';
import { pruneCustomResource } from './custom-resource-decode.js';
import { applyDefaults } from './defaulting.js';
import { buildCRDOpenAPISchemas } from './openapi-builder.js';
import { crdFor, gatewayExamples, realCRDs, REALWORLD } from './realworld-fixtures.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const crds = realCRDs();

/** Decode (prune), default and validate as the custom resource handler would on create. */
function admit(obj: Obj): { obj: Obj; warnings: string[]; errors: string[] } {
  const { version } = crdFor(crds, obj.apiVersion, obj.kind);
  const schema = compileCustomResourceSchema(version.schema.openAPIV3Schema);
  const copy = structuredClone(obj);
  const { warnings } = pruneCustomResource(copy, schema.structural);
  applyDefaults(copy, schema.structural);
  return { obj: copy, warnings, errors: validateCustomResource(copy, schema).map(fieldErrorString) };
}

const certificate: Obj = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'example-com', namespace: 'default' },
  spec: { secretName: 'example-com-tls', duration: '2160h', renewBefore: '360h', dnsNames: ['example.com', 'www.example.com'], issuerRef: { name: 'ca-issuer', kind: 'Issuer' }, privateKey: { algorithm: 'ECDSA', size: 256 } },
};

describe('real-world custom resources', () => {
  test('every Gateway API standard example validates, prunes nothing and defaults as upstream', () => {
    const examples = gatewayExamples();
    assert.ok(examples.length > 80, `found ${examples.length}`);
    for (const ex of examples) {
      const r = admit(ex);
      assert.deepEqual([r.warnings, r.errors], [[], []], `${ex.kind}/${ex.metadata?.name}`);
    }
  });
  test('an HTTPRoute gets upstream defaults for its parentRefs, matches and backendRefs', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'svc', port: 80 }] }] } };
    const r = admit(route);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.obj.spec.parentRefs, [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }]);
    assert.deepEqual(r.obj.spec.rules[0].matches, [{ path: { type: 'PathPrefix', value: '/' } }]);
    assert.deepEqual(r.obj.spec.rules[0].backendRefs, [{ group: '', kind: 'Service', name: 'svc', port: 80, weight: 1 }]);
  });
  test('an HTTPRoute with a bad path type and an unknown field is rejected and pruned', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { bogus: 1, rules: [{ matches: [{ path: { type: 'Glob', value: '/' } }] }] } };
    const r = admit(route);
    assert.deepEqual(r.warnings, ['unknown field "spec.bogus"']);
    assert.deepEqual(r.errors, ['spec.rules[0].matches[0].path.type: Unsupported value: "Glob": supported values: "Exact", "PathPrefix", "RegularExpression"']);
  });
  test('a cert-manager Certificate validates; a bad enum and a wrong type are reported as upstream', () => {
    assert.deepEqual(admit(certificate).errors, []);
    const bad = structuredClone(certificate);
    bad.spec.privateKey.algorithm = 'DSA';
    bad.spec.dnsNames = 'example.com';
    assert.deepEqual(admit(bad).errors, [
      'spec.dnsNames: Invalid value: "string": spec.dnsNames in body must be of type array: "string"',
      'spec.privateKey.algorithm: Unsupported value: "DSA": supported values: "RSA", "ECDSA", "Ed25519"',
    ]);
    const missing = structuredClone(certificate);
    delete missing.spec.secretName;
    assert.deepEqual(admit(missing).errors, ['spec.secretName: Required value']);
  });
  test('the prometheus-operator ServiceMonitor and PrometheusRule from kubernetes/examples validate', () => {
    for (const f of ['vllm-service-monitor.yaml', 'prometheus-rule.yaml']) {
      const obj = parse(readFileSync(join(REALWORLD, 'kubernetes-examples', 'vllm-deployment', 'hpa', f), 'utf8'));
      const r = admit(obj);
      assert.deepEqual([r.warnings, r.errors], [[], []], f);
    }
  });
  test('OpenAPI: the Certificate kind and list schemas are named and tagged as kube-apiserver publishes them', () => {
    const { crd } = crdFor(crds, 'cert-manager.io/v1', 'Certificate');
    const out = buildCRDOpenAPISchemas(crd, 'v1');
    assert.equal(out.kindName, 'io.cert-manager.v1.Certificate');
    assert.equal(out.listName, 'io.cert-manager.v1.CertificateList');
    const kind = out.schemas[out.kindName];
    assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'cert-manager.io', version: 'v1', kind: 'Certificate' }]);
    assert.deepEqual(kind.properties.metadata, { description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] });
    assert.equal(kind.properties.apiVersion.type, 'string');
    assert.equal(kind.properties.spec.properties.secretName.type, 'string');
    const list = out.schemas[out.listName];
    assert.deepEqual(list.properties.items.items, { $ref: '#/components/schemas/io.cert-manager.v1.Certificate' });
    assert.equal(list.description, 'CertificateList is a list of Certificate');
    assert.deepEqual(buildCRDOpenAPISchemas(crd, 'v1', { v2: true }).schemas[out.listName].properties.metadata.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta');
  });
});
