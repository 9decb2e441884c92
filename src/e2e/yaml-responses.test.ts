// Responses asked for as application/yaml are byte for byte what kube-apiserver prints (sigs.k8s.io/yaml over go-yaml
// v2). kubectl's `-o yaml` prints the JSON it got with that same library, so it serves as the reference here.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { realCRDs } from '../apiextensions/realworld-fixtures.js';
import { eventually } from '../testing/eventually.js';

const TRICKY: Record<string, string> = {
  multi: 'line1\nline2\n',
  strip: 'a\n\nb',
  keep: 'x\n\n',
  lead: ' x',
  tab: 'a\tb',
  num: '123',
  octal: '0755',
  float: '1.5',
  dot: '.5',
  tilde: '~',
  yes: 'yes',
  empty: '',
  colon: 'a: b',
  hash: 'a #b',
  quote: "it's",
  emoji: 'x\u{1F600}',
  date: '2024-01-01',
  stamp: '2024-1-2 3:04:05',
  base60: '1:20',
  port: '8080:80',
  star: '*x',
  dash: '-',
  unicode: 'h\u00e9llo w\u00f6rld',
  crlf: 'a\r\nb',
  trailing: 'x \ny',
  json: '{"a": [1, 2]}',
  folded: Array(30).fill('word').join(' '),
  foldedQuoted: `${Array(30).fill('word').join(' ')}\tx`,
  [`long-${'k'.repeat(130)}`]: 'a key over 128 bytes',
};

describe('YAML responses', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.cleanup();
  });

  async function same(path: string, kubectlArgs: string[]): Promise<void> {
    const r = await api(c, 'GET', path, undefined, { Accept: 'application/yaml' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['content-type'], 'application/yaml');
    assert.equal(r.text, await c.k(['get', ...kubectlArgs, '-o', 'yaml', '--show-managed-fields']));
  }

  test('a ConfigMap of awkward strings, labels that read as booleans and a key over 128 bytes', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tricky', labels: { a10: 'y', a9: 'on', 'app.kubernetes.io/name': 'web' }, annotations: { n: 'no' } }, data: TRICKY };
    assert.equal((await api(c, 'POST', '/api/v1/namespaces/default/configmaps', cm)).status, 201);
    await same('/api/v1/namespaces/default/configmaps/tricky', ['configmap', 'tricky', '-n', 'default']);
  });

  test('a Deployment with its defaults, multi-line commands and long arguments', async () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', command: ['sh', '-c', 'echo hi\nsleep 1000\n'], args: [`--long=${'a'.repeat(90)} b`], env: [{ name: 'Y', value: 'yes' }], resources: { requests: { cpu: '100m' } } }] },
        },
      },
    };
    assert.equal((await api(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', d)).status, 201);
    await same('/apis/apps/v1/namespaces/default/deployments/web', ['deployment', 'web', '-n', 'default']);
  });

  test("a real CRD's long descriptions and CEL rules fold and quote as upstream's", async () => {
    const crd = realCRDs().find((x) => x.metadata.name === 'httproutes.gateway.networking.k8s.io')!;
    assert.equal((await api(c, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
    // compared once its status has settled (both reads must see the same object)
    const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httproutes.gateway.networking.k8s.io';
    await eventually('the CRD Established', async () => {
      const conds: { type: string; status: string }[] = (await api(c, 'GET', path)).json.status?.conditions ?? [];
      return conds.some((x) => x.type === 'Established' && x.status === 'True') && conds.some((x) => x.type === 'NamesAccepted' && x.status === 'True');
    });
    await same('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httproutes.gateway.networking.k8s.io', ['crd', 'httproutes.gateway.networking.k8s.io']);
  });

  test('an error answers with a YAML Status when YAML is what the request accepts', async () => {
    const r = await api(c, 'GET', '/api/v1/namespaces/default/configmaps/missing', undefined, { Accept: 'application/yaml' });
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'application/yaml');
    assert.equal(r.text, 'apiVersion: v1\ncode: 404\ndetails:\n  kind: configmaps\n  name: missing\nkind: Status\nmessage: configmaps "missing" not found\nmetadata: {}\nreason: NotFound\nstatus: Failure\n');
    const json = await api(c, 'GET', '/api/v1/namespaces/default/configmaps/missing', undefined, { Accept: 'application/json, application/yaml' });
    assert.equal(json.headers['content-type'], 'application/json');
  });

  test('a watch asked for as YAML is refused (YAML has no streaming form), with a YAML Status', async () => {
    const r = await api(c, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1', undefined, { Accept: 'application/yaml, application/json' });
    assert.equal(r.status, 406);
    assert.equal(r.headers['content-type'], 'application/yaml');
    assert.equal(r.text, 'apiVersion: v1\ncode: 406\nkind: Status\nmessage: \'only the following media types are accepted: application/json, application/yaml,\n  application/vnd.kubernetes.protobuf\'\nmetadata: {}\nreason: NotAcceptable\nstatus: Failure\n');
  });

  test('legacy discovery documents come as YAML when YAML is what the request accepts', async () => {
    const r = await api(c, 'GET', '/apis/apps', undefined, { Accept: 'application/yaml' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/yaml');
    assert.equal(r.text, 'apiVersion: v1\nkind: APIGroup\nname: apps\npreferredVersion:\n  groupVersion: apps/v1\n  version: v1\nversions:\n- groupVersion: apps/v1\n  version: v1\n');
  });

  test('a Table asked for as YAML comes as YAML, for one object and for a list; watching it is refused', async () => {
    const accept = 'application/yaml;as=Table;v=v1;g=meta.k8s.io';
    const one = await api(c, 'GET', '/api/v1/namespaces/default/configmaps/tricky', undefined, { Accept: accept });
    assert.equal(one.status, 200);
    assert.equal(one.headers['content-type'], 'application/yaml');
    assert.ok(one.text.startsWith('apiVersion: meta.k8s.io/v1\ncolumnDefinitions:\n- description: '), one.text.slice(0, 200));
    assert.match(one.text, /\nkind: Table\nmetadata:\n {2}resourceVersion: "\d+"\nrows:\n- cells:\n {2}- tricky\n/);
    const list = await api(c, 'GET', '/api/v1/namespaces/default/configmaps?limit=1', undefined, { Accept: accept });
    assert.equal(list.headers['content-type'], 'application/yaml');
    assert.match(list.text, /^apiVersion: meta\.k8s\.io\/v1\ncolumnDefinitions:\n/);
    const w = await api(c, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1', undefined, { Accept: accept });
    assert.equal(w.status, 406);
  });
});
