// The Kubernetes python client (Debian's python3-kubernetes) against minikapi, as a program uses it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';

// Debian's package is installed for Debian's python, not for a python3 earlier on PATH
const PYTHON = '/usr/bin/python3';

describe('python client', () => {
  let c: TestCluster;
  before(async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: the tests need Debian's python3 with python3-kubernetes (make test installs it)`);
    c = await startTestCluster();
  });
  after(async () => c?.cleanup());

  test('CRUD, patches, errors, paging, watch, scale and deletes through the python client', async () => {
    const r = await new Promise<{ code: number; out: string; err: string }>((resolve) =>
      execFile(PYTHON, [join(TESTDATA, 'python', 'client_e2e.py'), c.kubeconfigPath], { timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: c.tmp } }, (e, out, err) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: String(out), err: String(err) }),
      ),
    );
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.at(-1), 'done');
    assert.deepEqual(lines.filter((l) => !l.startsWith('ok ')), ['done']);
    assert.equal(lines.length, 25);
  });
});
