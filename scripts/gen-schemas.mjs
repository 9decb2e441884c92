#!/usr/bin/env node
// Derives compact schemas for every GA built-in kind from @kubernetes/client-node's generated models
// (attributeTypeMap for names/types/formats, the .d.ts doc comments for descriptions and required fields,
// the generated API classes for which group/version/resource each kind belongs to).
// Writes src/schema/generated/models.json; patch strategies, list types, enums and Quantity fields are
// not in the package and come from src/schema/facts.ts at run time.
// Usage: node scripts/gen-schemas.mjs [--check]   (--check: exit 1 when the committed file is stale)
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG_DIR = dirname(require.resolve('@kubernetes/client-node/package.json'));
const PKG_VERSION = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')).version;
const GEN = join(PKG_DIR, 'dist', 'gen');
// plain JSON read from src/ at run time (the package ships it): read on first use, each definition parsed when asked for
const OUT = join(REPO, 'src', 'schema', 'generated', 'models.json');

// Model-name prefixes the generator adds when two groups share a Go type name.
const PREFIX_GROUP = {
  Admissionregistration: 'admissionregistration.k8s.io',
  Apiextensions: 'apiextensions.k8s.io',
  Apiregistration: 'apiregistration.k8s.io',
  Authentication: 'authentication.k8s.io',
  Core: '',
  Discovery: 'discovery.k8s.io',
  Events: 'events.k8s.io',
  Flowcontrol: 'flowcontrol.apiserver.k8s.io',
  Rbac: 'rbac.authorization.k8s.io',
  Resource: 'resource.k8s.io',
  Storage: 'storage.k8s.io',
};
const META = 'meta';
// Go types of k8s.io/apimachinery/pkg/apis/meta/v1 that the package models without a group prefix.
const META_TYPES = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition', 'DeleteOptions',
  'FieldSelectorRequirement', 'GroupVersionForDiscovery', 'LabelSelector', 'LabelSelectorRequirement', 'ListMeta',
  'ManagedFieldsEntry', 'ObjectMeta', 'OwnerReference', 'Preconditions', 'ServerAddressByClientCIDR', 'Status',
  'StatusCause', 'StatusDetails', 'WatchEvent',
]);
// Kinds no collection POST names (subresource kinds, read-only componentstatuses): model → group.
const OTHER_KINDS = { V1Scale: 'autoscaling', V1Eviction: 'policy', AuthenticationV1TokenRequest: 'authentication.k8s.io', V1ComponentStatus: '' };
// Core types used only by other groups' kinds, so reachability alone would place them wrongly.
const CORE_ONLY_ELSEWHERE = new Set(['TopologySelectorTerm', 'TopologySelectorLabelRequirement']);

const isGA = (model) => /^([A-Z][a-z]+)?V[12](?![a-z])/.test(model) || model === 'VersionInfo';

function splitModel(model) {
  const m = /^(?:([A-Z][a-z]+))?V(\d+)([A-Z].*)$/.exec(model);
  if (!m) throw new Error(`unexpected model name ${model}`);
  return { prefix: m[1], version: `v${m[2]}`, goName: m[3] };
}

function parseDts(text) {
  const cls = /\/\*\*\n\* ([^\n]*)\n\*\/\nexport declare class/.exec(text);
  const fields = {};
  const re = /(?:    \/\*\*\n    \* ([^\n]*)\n    \*\/\n)?    '([^']+)'(\?)?: /g;
  for (let m; (m = re.exec(text)); ) fields[m[2]] = { description: m[1] && unescape(m[1]), required: !m[3] };
  return { description: cls && unescape(cls[1]), fields };
}

function unescape(s) {
  return s.replace(/\\(['"])/g, '$1').trim();
}

function typeOf(t, format) {
  let m;
  if ((m = /^Array<(.+)>$/.exec(t))) return `[]${typeOf(m[1], format)}`;
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(t))) return `{}${typeOf(m[1], format)}`;
  switch (t) {
    case 'string':
      return format ? `string/${format}` : 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return format === 'double' ? 'number/double' : `integer/${format || 'int64'}`;
    case 'Date':
      return format === 'date-time-micro' ? '@MicroTime' : '@Time';
    case 'V1MicroTime':
      return '@MicroTime';
    case 'IntOrString':
      return '@IntOrString';
    case 'any':
      return 'object';
  }
  return `@${t}`;
}

function parseApis() {
  const kinds = new Map();
  for (const f of readdirSync(join(GEN, 'apis')).filter((n) => /^[A-Z]\w*V\d\w*Api\.js$/.test(n))) {
    const src = readFileSync(join(GEN, 'apis', f), 'utf8');
    const chunks = src.split("const localVarPath = '").slice(1);
    for (const c of chunks) {
      const path = c.slice(0, c.indexOf("'"));
      const method = /HttpMethod\.(\w+)/.exec(c)?.[1];
      const body = /serialize\(body, "(\w+)"/.exec(c)?.[1];
      if (method !== 'POST' || !body || path.includes('{name}')) continue;
      const m = /^\/(?:api\/(v\d+)|apis\/([^/]+)\/(v\d+))\/(?:namespaces\/\{namespace\}\/)?([a-z]+)$/.exec(path);
      if (!m) continue;
      const group = m[2] ?? '';
      const version = m[1] ?? m[3];
      if (!isGA(body)) continue;
      kinds.set(body, { group, version, kind: splitModel(body).goName, resource: m[4] });
    }
  }
  return kinds;
}

async function main() {
  const modelsDir = join(GEN, 'models');
  // the directory also holds stale models of older releases: only those in the serializer's type map count
  const serializer = readFileSync(join(modelsDir, 'ObjectSerializer.js'), 'utf8');
  const names = [...serializer.matchAll(/^    "(\w+)": \w+,$/gm)].map((m) => m[1]).filter(isGA).sort();
  const models = new Map();
  for (const name of names) {
    const mod = await import(pathToFileURL(join(modelsDir, `${name}.js`)).href);
    const cls = mod[name];
    const dts = parseDts(readFileSync(join(modelsDir, `${name}.d.ts`), 'utf8'));
    const props = [];
    for (const a of cls.attributeTypeMap ?? []) {
      const doc = dts.fields[a.name] ?? {};
      // the package documents IntOrString/MicroTime fields with the type's text, not the field's
      const description = a.type === 'IntOrString' || a.type === 'V1MicroTime' ? undefined : doc.description;
      props.push({ name: a.baseName, type: typeOf(a.type, a.format), description, required: doc.required });
    }
    models.set(name, { name, description: dts.description, props });
  }

  const kinds = parseApis();
  for (const [model, group] of Object.entries(OTHER_KINDS)) kinds.set(model, { group, version: 'v1', kind: splitModel(model).goName });
  for (const [name, m] of models) {
    const items = m.props.find((p) => p.name === 'items');
    const item = items?.type.startsWith('[]@') ? items.type.slice(3) : undefined;
    if (name.endsWith('List') && item && kinds.has(item) && m.props.some((p) => p.name === 'metadata')) {
      const k = kinds.get(item);
      kinds.set(name, { group: k.group, version: k.version, kind: splitModel(name).goName });
    }
  }

  // group of each model: explicit prefix, meta, kind, or the first kind (core first) that reaches it
  const groupOf = new Map();
  for (const name of models.keys()) {
    if (name === 'VersionInfo') continue;
    const { prefix, goName, version } = splitModel(name);
    if (prefix) groupOf.set(name, PREFIX_GROUP[prefix]);
    else if (version === 'v1' && META_TYPES.has(goName)) groupOf.set(name, META);
    else if (version === 'v1' && CORE_ONLY_ELSEWHERE.has(goName)) groupOf.set(name, '');
    else if (kinds.has(name)) groupOf.set(name, kinds.get(name).group);
  }
  const kindOrder = [...kinds.entries()].sort(([a, x], [b, y]) => (x.group === '' ? 0 : 1) - (y.group === '' ? 0 : 1) || a.localeCompare(b));
  for (const [kindModel] of kindOrder) {
    const group = groupOf.get(kindModel);
    const stack = [kindModel];
    const seen = new Set();
    while (stack.length) {
      const n = stack.pop();
      if (seen.has(n)) continue;
      seen.add(n);
      for (const p of models.get(n)?.props ?? []) {
        const ref = /@(\w+)$/.exec(p.type)?.[1];
        if (!ref || !models.has(ref)) continue;
        if (!groupOf.has(ref)) groupOf.set(ref, group);
        if (groupOf.get(ref) === group) stack.push(ref);
      }
    }
  }

  const fullName = (model) => {
    if (model === 'VersionInfo') return 'io.k8s.apimachinery.pkg.version.Info';
    const { version, goName } = splitModel(model);
    const g = groupOf.get(model);
    if (g === undefined) return undefined;
    return `${packageOf(g)}.${version}.${goName}`;
  };
  const LEAF = { Time: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time', MicroTime: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime', IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' };
  const unreachable = [];
  const types = {};
  for (const [name, m] of models) {
    const full = fullName(name);
    if (!full) {
      unreachable.push(name);
      continue;
    }
    const p = {};
    const required = [];
    for (const prop of m.props) {
      const type = prop.type.replace(/@(\w+)$/, (_, r) => {
        const full = LEAF[r] ?? fullName(r);
        if (!full) throw new Error(`gen-schemas: ${name}.${prop.name} refers to ${r}, which is no model`);
        return `@${full}`;
      });
      p[prop.name] = prop.description ? [type, prop.description] : [type];
      if (prop.required) required.push(prop.name);
    }
    const t = { p };
    if (m.description) t.d = m.description;
    if (required.length) t.r = required;
    types[full] = t;
  }
  if (unreachable.length) console.error(`gen-schemas: ${unreachable.length} models reached by no GA kind, left out: ${unreachable.join(' ')}`);
  const kindList = [...kinds.entries()]
    .filter(([model]) => types[fullName(model)])
    .map(([model, k]) => [k.group, k.version, k.kind, fullName(model), k.resource ?? ''])
    .sort((a, b) => a[3].localeCompare(b[3]));
  // JSON's own \u escapes keep the text ASCII: offsets are character and byte offsets alike, and V8 holds it at one
  // byte per character
  const ascii = (x) => x.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  // "index" gives each definition's place in the text after `"types":`, so that a reader parses only the ones it uses
  const sorted = Object.entries(types).sort(([a], [b]) => a.localeCompare(b));
  const index = {};
  let body = '{';
  for (const [i, [name, t]] of sorted.entries()) {
    body += `${i ? ',' : ''}${JSON.stringify(name)}:`;
    const json = ascii(JSON.stringify(t));
    index[name] = [body.length, json.length];
    body += json;
  }
  body += '}';
  const head = ascii(JSON.stringify({ source: `@kubernetes/client-node ${PKG_VERSION}`, kinds: kindList, index }));
  const text = `${head.slice(0, -1)},"types":${body}}\n`;
  if (process.argv.includes('--check')) {
    const cur = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (cur !== text) {
      console.error('gen-schemas: src/schema/generated/models.json is stale; run node scripts/gen-schemas.mjs');
      process.exit(1);
    }
    return;
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`gen-schemas: ${Object.keys(types).length} types, ${kindList.length} kinds, ${(text.length / 1024).toFixed(0)} KiB → ${OUT.slice(REPO.length + 1)}`);
}

function packageOf(group) {
  if (group === META) return 'io.k8s.apimachinery.pkg.apis.meta';
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (group === 'apiregistration.k8s.io') return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
  if (group === 'internal.apiserver.k8s.io') return 'io.k8s.api.apiserverinternal';
  return `io.k8s.api.${group.split('.')[0]}`;
}

await main();
