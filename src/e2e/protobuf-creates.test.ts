// Every valid built-in manifest created twice, once as JSON and once as a kubectl-1.33-style protobuf
// body: the stored objects must be exactly the same (both go through Go's JSON rules).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { encodeProtobufObject } from '../apiserver/protobuf/encode.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
function collectionPath(c: TestCluster, obj: any): string {
  const def = c.registry.defs.find((d) => (d.group ? `${d.group}/${d.version}` : d.version) === obj.apiVersion && d.kind === obj.kind && !d.createOnly);
  if (!def) throw new Error(`no resource for ${obj.apiVersion} ${obj.kind}`);
  const base = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  return def.namespaced ? `${base}/namespaces/${obj.metadata?.namespace ?? 'default'}/${def.resource}` : `${base}/${def.resource}`;
}

function comparable(o: any): any {
  const c = structuredClone(o);
  for (const k of ['uid', 'creationTimestamp', 'resourceVersion']) delete c.metadata[k];
  for (const e of c.metadata.managedFields ?? []) delete e.time;
  // values the server generates differently on each create
  if (c.spec?.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']) {
    delete c.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'];
    delete c.spec.template.metadata.labels['batch.kubernetes.io/controller-uid'];
    delete c.spec.template.metadata.labels['controller-uid'];
  }
  if (c.metadata.labels?.['batch.kubernetes.io/controller-uid']) {
    delete c.metadata.labels['batch.kubernetes.io/controller-uid'];
    delete c.metadata.labels['controller-uid'];
  }
  for (const cond of c.status?.conditions ?? []) delete cond.lastTransitionTime;
  delete c.status?.lastPhaseTransitionTime;
  return c;
}

describe('protobuf request bodies for every built-in kind', () => {
  let viaJSON: TestCluster;
  let viaProto: TestCluster;
  before(async () => {
    [viaJSON, viaProto] = await Promise.all([startTestCluster(), startTestCluster()]);
  });
  after(async () => {
    await Promise.all([viaJSON?.cleanup(), viaProto?.cleanup()]);
  });

  const files = readdirSync(join(TESTDATA, 'builtins')).filter((f) => f.endsWith('.yaml')).sort();
  test(`${files.length} manifests store the same object from JSON and from protobuf`, async () => {
    let compared = 0;
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(join(TESTDATA, 'builtins', f), 'utf8'))) {
        const obj = doc.toJS();
        if (!obj) continue;
        const path = collectionPath(viaJSON, obj);
        const a = await api(viaJSON, 'POST', path, obj);
        const b = await api(viaProto, 'POST', path, Buffer.from(encodeProtobufObject(obj)), { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf, application/json' });
        assert.equal(a.status, 201, `${f} (JSON): ${a.text}`);
        assert.equal(b.status, 201, `${f} (protobuf): ${b.text}`);
        assert.equal(b.headers['content-type'], 'application/json');
        assert.deepEqual(comparable(b.json), comparable(a.json), f);
        compared++;
      }
    }
    assert.ok(compared >= files.length);
  });
});
