// Custom resources in the OpenAPI documents as kube-apiserver 1.33 publishes them, read by kubectl explain
// (1.33 and 1.27 over /openapi/v3, 1.27 over the v2 protobuf) with real CRDs: cert-manager and Gateway API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { REALWORLD } from '../apiextensions/realworld-fixtures.js';
import { api } from '../testing/client.js';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { decodeV2 } from '../openapi/gnostic-decode.js';

const EXPLAIN_CERTIFICATE = [
  "GROUP:      cert-manager.io",
  "KIND:       Certificate",
  "VERSION:    v1",
  "",
  "DESCRIPTION:",
  "    A Certificate resource should be created to ensure an up to date and signed",
  "    X.509 certificate is stored in the Kubernetes Secret resource named in",
  "    `spec.secretName`.",
  "    ",
  "    The stored certificate will be renewed before it expires (as configured by",
  "    `spec.renewBefore`).",
  "    ",
  "FIELDS:",
  "  apiVersion\t<string>",
  "    APIVersion defines the versioned schema of this representation of an object.",
  "    Servers should convert recognized schemas to the latest internal value, and",
  "    may reject unrecognized values. More info:",
  "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
  "",
  "  kind\t<string>",
  "    Kind is a string value representing the REST resource this object",
  "    represents. Servers may infer this from the endpoint the client submits",
  "    requests to. Cannot be updated. In CamelCase. More info:",
  "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
  "",
  "  metadata\t<ObjectMeta>",
  "    Standard object's metadata. More info:",
  "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  "",
  "  spec\t<Object>",
  "    Specification of the desired state of the Certificate resource.",
  "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
  "",
  "  status\t<Object>",
  "    Status of the Certificate.",
  "    This is set and managed automatically.",
  "    Read-only.",
  "    More info:",
  "    https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
  "",
  "",
  "",
].join('\n');

const PRIVATE_KEY_133 = [
  "GROUP:      cert-manager.io",
  "KIND:       Certificate",
  "VERSION:    v1",
  "",
  "FIELD: privateKey <Object>",
  "",
  "",
  "DESCRIPTION:",
  "    Private key options. These include the key algorithm and size, the used",
  "    encoding and the rotation policy.",
  "    ",
  "FIELDS:",
  "  algorithm\t<string>",
  "  enum: RSA, ECDSA, Ed25519",
  "    Algorithm is the private key algorithm of the corresponding private key",
  "    for this certificate.",
  "    ",
  "    If provided, allowed values are either `RSA`, `ECDSA` or `Ed25519`.",
  "    If `algorithm` is specified and `size` is not provided,",
  "    key size of 2048 will be used for `RSA` key algorithm and",
  "    key size of 256 will be used for `ECDSA` key algorithm.",
  "    key size is ignored when using the `Ed25519` key algorithm.",
  "",
  "  encoding\t<string>",
  "  enum: PKCS1, PKCS8",
  "    The private key cryptography standards (PKCS) encoding for this",
  "    certificate's private key to be encoded in.",
  "    ",
  "    If provided, allowed values are `PKCS1` and `PKCS8` standing for PKCS#1",
  "    and PKCS#8, respectively.",
  "    Defaults to `PKCS1` if not specified.",
  "",
  "  rotationPolicy\t<string>",
  "  enum: Never, Always",
  "    RotationPolicy controls how private keys should be regenerated when a",
  "    re-issuance is being processed.",
  "    ",
  "    If set to `Never`, a private key will only be generated if one does not",
  "    already exist in the target `spec.secretName`. If one does exist but it",
  "    does not have the correct algorithm or size, a warning will be raised",
  "    to await user intervention.",
  "    If set to `Always`, a private key matching the specified requirements",
  "    will be generated whenever a re-issuance occurs.",
  "    Default is `Always`.",
  "    The default was changed from `Never` to `Always` in cert-manager >=v1.18.0.",
  "",
  "  size\t<integer>",
  "    Size is the key bit size of the corresponding private key for this",
  "    certificate.",
  "    ",
  "    If `algorithm` is set to `RSA`, valid values are `2048`, `4096` or `8192`,",
  "    and will default to `2048` if not specified.",
  "    If `algorithm` is set to `ECDSA`, valid values are `256`, `384` or `521`,",
  "    and will default to `256` if not specified.",
  "    If `algorithm` is set to `Ed25519`, Size is ignored.",
  "    No other values are allowed.",
  "",
  "",
  "",
].join('\n');

const PRIVATE_KEY_127 = [
  "GROUP:      cert-manager.io",
  "KIND:       Certificate",
  "VERSION:    v1",
  "",
  "FIELD: privateKey <Object>",
  "",
  "DESCRIPTION:",
  "    Private key options. These include the key algorithm and size, the used",
  "    encoding and the rotation policy.",
  "    ",
  "FIELDS:",
  "  algorithm\t<string>",
  "    Algorithm is the private key algorithm of the corresponding private key",
  "    for this certificate.",
  "    ",
  "    If provided, allowed values are either `RSA`, `ECDSA` or `Ed25519`.",
  "    If `algorithm` is specified and `size` is not provided,",
  "    key size of 2048 will be used for `RSA` key algorithm and",
  "    key size of 256 will be used for `ECDSA` key algorithm.",
  "    key size is ignored when using the `Ed25519` key algorithm.",
  "",
  "  encoding\t<string>",
  "    The private key cryptography standards (PKCS) encoding for this",
  "    certificate's private key to be encoded in.",
  "    ",
  "    If provided, allowed values are `PKCS1` and `PKCS8` standing for PKCS#1",
  "    and PKCS#8, respectively.",
  "    Defaults to `PKCS1` if not specified.",
  "",
  "  rotationPolicy\t<string>",
  "    RotationPolicy controls how private keys should be regenerated when a",
  "    re-issuance is being processed.",
  "    ",
  "    If set to `Never`, a private key will only be generated if one does not",
  "    already exist in the target `spec.secretName`. If one does exist but it",
  "    does not have the correct algorithm or size, a warning will be raised",
  "    to await user intervention.",
  "    If set to `Always`, a private key matching the specified requirements",
  "    will be generated whenever a re-issuance occurs.",
  "    Default is `Always`.",
  "    The default was changed from `Never` to `Always` in cert-manager >=v1.18.0.",
  "",
  "  size\t<integer>",
  "    Size is the key bit size of the corresponding private key for this",
  "    certificate.",
  "    ",
  "    If `algorithm` is set to `RSA`, valid values are `2048`, `4096` or `8192`,",
  "    and will default to `2048` if not specified.",
  "    If `algorithm` is set to `ECDSA`, valid values are `256`, `384` or `521`,",
  "    and will default to `256` if not specified.",
  "    If `algorithm` is set to `Ed25519`, Size is ignored.",
  "    No other values are allowed.",
  "",
  "",
  "",
].join('\n');

const PRIVATE_KEY_V2 = [
  "KIND:     Certificate",
  "VERSION:  cert-manager.io/v1",
  "",
  "RESOURCE: privateKey <Object>",
  "",
  "DESCRIPTION:",
  "     Private key options. These include the key algorithm and size, the used",
  "     encoding and the rotation policy.",
  "",
  "FIELDS:",
  "   algorithm\t<string>",
  "     Algorithm is the private key algorithm of the corresponding private key for",
  "     this certificate.",
  "",
  "     If provided, allowed values are either `RSA`, `ECDSA` or `Ed25519`. If",
  "     `algorithm` is specified and `size` is not provided, key size of 2048 will",
  "     be used for `RSA` key algorithm and key size of 256 will be used for",
  "     `ECDSA` key algorithm. key size is ignored when using the `Ed25519` key",
  "     algorithm.",
  "",
  "   encoding\t<string>",
  "     The private key cryptography standards (PKCS) encoding for this",
  "     certificate's private key to be encoded in.",
  "",
  "     If provided, allowed values are `PKCS1` and `PKCS8` standing for PKCS#1 and",
  "     PKCS#8, respectively. Defaults to `PKCS1` if not specified.",
  "",
  "   rotationPolicy\t<string>",
  "     RotationPolicy controls how private keys should be regenerated when a",
  "     re-issuance is being processed.",
  "",
  "     If set to `Never`, a private key will only be generated if one does not",
  "     already exist in the target `spec.secretName`. If one does exist but it",
  "     does not have the correct algorithm or size, a warning will be raised to",
  "     await user intervention. If set to `Always`, a private key matching the",
  "     specified requirements will be generated whenever a re-issuance occurs.",
  "     Default is `Always`. The default was changed from `Never` to `Always` in",
  "     cert-manager >=v1.18.0.",
  "",
  "   size\t<integer>",
  "     Size is the key bit size of the corresponding private key for this",
  "     certificate.",
  "",
  "     If `algorithm` is set to `RSA`, valid values are `2048`, `4096` or `8192`,",
  "     and will default to `2048` if not specified. If `algorithm` is set to",
  "     `ECDSA`, valid values are `256`, `384` or `521`, and will default to `256`",
  "     if not specified. If `algorithm` is set to `Ed25519`, Size is ignored. No",
  "     other values are allowed.",
  "",
  "",
].join('\n');

const widgetCRD = (description: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        schema: { openAPIV3Schema: { type: 'object', description, properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' } } } } } },
      },
    ],
  },
});

function findKeys(node: unknown, keys: Set<string>, path = '', out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((x, i) => findKeys(x, keys, `${path}[${i}]`, out));
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (keys.has(k)) out.push(`${path}.${k}`);
      findKeys(v, keys, `${path}.${k}`, out);
    }
  return out;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

describe('custom resources in the OpenAPI documents', () => {
  let c: TestCluster;
  const get = (path: string, headers: Record<string, string> = {}) => api(c, 'GET', path, undefined, headers);
  const index = async (): Promise<Record<string, { serverRelativeURL: string }>> => (await get('/openapi/v3')).json.paths;

  before(async () => {
    if (!existsSync(REALWORLD)) throw new Error(`${REALWORLD} is missing: set MINIKAPI_REALWORLD to the shared real-world manifests`);
    c = await startTestCluster();
    for (const f of ['cert-manager/crds/cert-manager.io_certificates.yaml', 'gateway-api/crds/gateway.networking.k8s.io_httproutes.yaml']) await c.k(['apply', '--server-side', '-f', join(REALWORLD, f)], { timeoutMs: 60_000 });
    await c.k(['wait', '--for=condition=Established', 'crd/certificates.cert-manager.io', 'crd/httproutes.gateway.networking.k8s.io']);
  });
  after(() => c?.cleanup());

  test('/openapi/v3 lists each CRD group-version under the hash of its document; the document answers 304 to If-None-Match', async () => {
    const paths = await index();
    for (const gv of ['apis/cert-manager.io/v1', 'apis/gateway.networking.k8s.io/v1', 'apis/gateway.networking.k8s.io/v1beta1']) assert.match(paths[gv]?.serverRelativeURL ?? '', new RegExp(`^/openapi/v3/${gv}\\?hash=[0-9A-F]{128}$`));
    const url = paths['apis/cert-manager.io/v1']!.serverRelativeURL;
    const r = await get(url);
    assert.equal(r.status, 200);
    assert.equal(r.headers.etag, `"${url.slice(url.indexOf('hash=') + 5)}"`);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['cache-control'], 'public, immutable');
    const doc = r.json;
    assert.deepEqual(Object.keys(doc), ['openapi', 'info', 'paths', 'components']);
    assert.deepEqual(doc.info, { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' });
    assert.deepEqual(Object.keys(doc.paths), [
      '/apis/cert-manager.io/v1/certificates',
      '/apis/cert-manager.io/v1/namespaces/{namespace}/certificates',
      '/apis/cert-manager.io/v1/namespaces/{namespace}/certificates/{name}',
      '/apis/cert-manager.io/v1/namespaces/{namespace}/certificates/{name}/status',
    ]);
    assert.deepEqual(Object.keys(doc.components), ['schemas']);
    assert.deepEqual(Object.keys(doc.components.schemas), [
      'io.cert-manager.v1.Certificate',
      'io.cert-manager.v1.CertificateList',
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
    const cert = doc.components.schemas['io.cert-manager.v1.Certificate'];
    assert.deepEqual(cert['x-kubernetes-group-version-kind'], [{ group: 'cert-manager.io', kind: 'Certificate', version: 'v1' }]);
    assert.deepEqual(Object.keys(cert.properties), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual(doc.components.schemas['io.cert-manager.v1.CertificateList'].properties.metadata.allOf, [{ $ref: `#/components/schemas/${META}.ListMeta` }]);
    const list = doc.paths['/apis/cert-manager.io/v1/namespaces/{namespace}/certificates'];
    assert.deepEqual(list.parameters.map((p: { name: string }) => p.name), ['namespace', 'pretty']);
    assert.equal(list.get.operationId, 'listCertManagerIoV1NamespacedCertificate');
    assert.deepEqual(list.get.tags, ['certManagerIo_v1']);
    assert.deepEqual(list.get.responses['200'].content, { 'application/json': { schema: { $ref: '#/components/schemas/io.cert-manager.v1.CertificateList' } }, 'application/yaml': { schema: { $ref: '#/components/schemas/io.cert-manager.v1.CertificateList' } } });
    assert.deepEqual(list.post['x-kubernetes-group-version-kind'], { group: 'cert-manager.io', kind: 'Certificate', version: 'v1' });
    assert.deepEqual(Object.keys(doc.paths['/apis/cert-manager.io/v1/namespaces/{namespace}/certificates/{name}'].patch.requestBody.content), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    const again = await get(url, { 'If-None-Match': r.headers.etag as string });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal((await get('/openapi/v3/apis/cert-manager.io/v1', { Accept: 'application/protobuf' })).status, 406);
  });

  test('a CRD is published within a second, republished under a new hash when it changes, and removed with it; built-in documents keep their hash', async () => {
    const apps = (await index())['apis/apps/v1']!.serverRelativeURL;
    const within = async (what: string, ok: (p: Record<string, { serverRelativeURL: string }>) => boolean) => {
      const start = Date.now();
      for (;;) {
        const p = await index();
        if (ok(p)) return p;
        if (Date.now() - start > 1000) assert.fail(`${what} not within a second`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    assert.equal((await api(c, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCRD('A widget.'))).status, 201);
    const first = await within('widgets published', (p) => !!p['apis/example.com/v1']);
    const doc = (await get(first['apis/example.com/v1']!.serverRelativeURL)).json;
    const scale = doc.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale'];
    assert.deepEqual(scale.get.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/io.k8s.api.autoscaling.v1.Scale' });
    assert.equal(scale.put.operationId, 'replaceExampleComV1NamespacedWidgetScale');
    assert.ok(doc.components.schemas['io.k8s.api.autoscaling.v1.ScaleSpec']);
    assert.equal(doc.components.schemas['com.example.v1.Widget'].description, 'A widget.');

    const patched = await api(c, 'PATCH', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com', [{ op: 'replace', path: '/spec/versions/0/schema/openAPIV3Schema/description', value: 'A better widget.' }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(patched.status, 200);
    const second = await within('widgets republished', (p) => p['apis/example.com/v1']?.serverRelativeURL !== first['apis/example.com/v1']!.serverRelativeURL);
    assert.equal((await get(second['apis/example.com/v1']!.serverRelativeURL)).json.components.schemas['com.example.v1.Widget'].description, 'A better widget.');
    // the old hash redirects to the current one
    const old = await get(first['apis/example.com/v1']!.serverRelativeURL);
    assert.equal(old.status, 301);
    assert.equal(old.headers.location, second['apis/example.com/v1']!.serverRelativeURL);

    assert.equal((await api(c, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).status, 200);
    const gone = await within('widgets removed', (p) => !p['apis/example.com/v1']);
    assert.equal((await get('/openapi/v3/apis/example.com/v1')).status, 404);
    assert.equal(gone['apis/apps/v1']!.serverRelativeURL, apps);
  });

  test('kubectl 1.28 to 1.32 explain a Certificate and its privateKey as 1.27 and 1.33 do (enums from 1.30 on)', async () => {
    for (const version of ['1.28', '1.29', '1.30', '1.31', '1.32']) {
      assert.equal(await c.k(['explain', 'certificate'], { version }), EXPLAIN_CERTIFICATE, version);
      assert.equal(await c.k(['explain', 'certificate.spec.privateKey'], { version }), version < '1.30' ? PRIVATE_KEY_127 : PRIVATE_KEY_133, version);
    }
  });

  for (const version of ['1.33', '1.27']) {
    describe(`kubectl ${version} explain over /openapi/v3`, () => {
      test('certificate', async () => {
        assert.equal(await c.k(['explain', 'certificate'], { version }), EXPLAIN_CERTIFICATE);
      });
      test('certificate.spec.privateKey (enums from 1.30 on)', async () => {
        assert.equal(await c.k(['explain', 'certificate.spec.privateKey'], { version }), version === '1.27' ? PRIVATE_KEY_127 : PRIVATE_KEY_133);
      });
      test('httproute.spec.rules --recursive', async () => {
        const out = (await c.k(['explain', 'httproute.spec.rules', '--recursive'], { version })).split('\n');
        const head = ['GROUP:      gateway.networking.k8s.io', 'KIND:       HTTPRoute', 'VERSION:    v1', '', 'FIELD: rules <[]Object>', ...(version === '1.27' ? [] : ['']), ''];
        assert.deepEqual(out.slice(0, head.length), head);
        const f = out.indexOf('FIELDS:');
        assert.deepEqual(out.slice(f, f + 12), [
          'FIELDS:',
          '  backendRefs\t<[]Object>',
          '    filters\t<[]Object>',
          '      cors\t<Object>',
          '        allowCredentials\t<boolean>',
          '        allowHeaders\t<[]string>',
          '        allowMethods\t<[]string>',
          '        allowOrigins\t<[]string>',
          '        exposeHeaders\t<[]string>',
          '        maxAge\t<integer>',
          '      extensionRef\t<Object>',
          '        group\t<string> -required-',
        ]);
        for (const want of ['    name\t<string> -required-', '    port\t<integer>', '    weight\t<integer>', '  matches\t<[]Object>', '    headers\t<[]Object>', '  timeouts\t<Object>', '    backendRequest\t<string>']) assert.ok(out.includes(want), `${JSON.stringify(want)} in\n${out.join('\n')}`);
      });
    });
  }

  test('/openapi/v2 carries the CR definitions converted as upstream (no oneOf, anyOf or nullable) and their paths', async () => {
    const r = await get('/openapi/v2');
    assert.equal(r.status, 200);
    const doc = r.json;
    const cert = doc.definitions['io.cert-manager.v1.Certificate'];
    assert.deepEqual(cert['x-kubernetes-group-version-kind'], [{ group: 'cert-manager.io', kind: 'Certificate', version: 'v1' }]);
    assert.deepEqual(cert.properties.metadata, { description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", $ref: `#/definitions/${META}.ObjectMeta` });
    for (const name of ['io.k8s.networking.gateway.v1.HTTPRoute', 'io.k8s.networking.gateway.v1beta1.HTTPRoute', 'io.cert-manager.v1.Certificate']) assert.deepEqual(findKeys(doc.definitions[name], new Set(['oneOf', 'anyOf', 'allOf', 'nullable', 'default'])), [], name);
    const item = doc.paths['/apis/cert-manager.io/v1/namespaces/{namespace}/certificates/{name}'];
    assert.deepEqual(item.patch.consumes, ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    assert.deepEqual(item.patch.produces, ['application/json', 'application/yaml']);
    assert.deepEqual(item.put.parameters.map((p: { name: string }) => p.name), ['body', 'dryRun', 'fieldManager', 'fieldValidation']);
    assert.ok(doc.paths['/apis/apps/v1/deployments'], 'built-in paths stay');
    const raw = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = request(`${c.url}/openapi/v2`, { ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(raw.status, 200);
    const defs = decodeV2(raw.body).definitions.additionalProperties as { name: string; value: { vendorExtension: { name: string; value: { yaml: string } }[] } }[];
    const pb = defs.find((d) => d.name === 'io.cert-manager.v1.Certificate');
    assert.deepEqual(pb?.value.vendorExtension.map((e) => e.name), ['x-kubernetes-group-version-kind', 'x-kubernetes-selectable-fields']);
    assert.deepEqual(JSON.parse(pb!.value.vendorExtension[0]!.value.yaml), [{ group: 'cert-manager.io', kind: 'Certificate', version: 'v1' }]);
  });

  test('kubectl 1.27 explain --output=plaintext-openapiv2 reads the CR from the v2 protobuf', async () => {
    assert.equal(await c.k(['explain', '--output=plaintext-openapiv2', 'certificate.spec.privateKey'], { version: '1.27' }), PRIVATE_KEY_V2);
  });
  for (const version of ['1.33', '1.27'])
    test(`kubectl ${version} client-side apply of a Certificate twice: the document's patch types lead kubectl to a JSON merge patch`, async () => {
      const cert = (dns: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: apply-${version.replace('.', '-')}
  namespace: default
spec:
  secretName: example-tls
  issuerRef:
    name: ca-issuer
  dnsNames:
  - ${dns}
`;
      assert.equal(await c.k(['apply', '-f', '-'], { version, stdin: cert('a.example.com') }), `certificate.cert-manager.io/apply-${version.replace('.', '-')} created\n`);
      assert.equal(await c.k(['apply', '-f', '-'], { version, stdin: cert('b.example.com') }), `certificate.cert-manager.io/apply-${version.replace('.', '-')} configured\n`);
      assert.equal(await c.k(['get', 'certificate', `apply-${version.replace('.', '-')}`, '-o', 'jsonpath={.spec.dnsNames}'], { version }), '["b.example.com"]');
    });
});
