// Test helpers: an isolated cluster per test file and real kubectl binaries driven over HTTPS.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster, type ClusterOptions } from '../server/index.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESTDATA = join(REPO_ROOT, 'testdata');

/** The versioned kubectl binaries sit beside the file the `kubectl` on PATH links to. Fails loudly when missing. */
export function kubectlBinary(version: string): string {
  const onPath = findOnPath('kubectl');
  if (!onPath) throw new Error('kubectl is not on PATH: the tests need real kubectl binaries');
  const dir = dirname(realpathSync(onPath));
  const bin = join(dir, `kubectl.${version}`);
  if (!existsSync(bin)) throw new Error(`kubectl ${version} not found at ${bin}`);
  return bin;
}

function findOnPath(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) {
    const p = join(d, name);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

export interface TestCluster extends Cluster {
  tmp: string;
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** Like kubectl() but rejects unless the exit code is 0. */
  k(args: string[], opts?: KubectlOptions): Promise<string>;
  cleanup(): Promise<void>;
}

export interface KubectlOptions {
  version?: string;
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKubectl(kubeconfig: string, cacheDir: string, args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  const bin = kubectlBinary(opts.version ?? '1.33');
  return new Promise((resolvePromise) => {
    const child = execFile(
      bin,
      [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: cacheDir, ...opts.env }, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 1) : 0;
        resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();
  });
}

/**
 * The controllers of an API-semantics test: everything but the workload simulation (nodes, scheduler,
 * kubelet, replicaset, deployment, their garbage collection), so pods stay as the test made them — as in
 * upstream's apiserver integration tests, which run without a controller-manager. Workload tests ask for '*'.
 */
export const API_TEST_CONTROLLERS = '*,-node-simulator,-kubelet-simulator,-default-scheduler,-replicaset,-replicationcontroller,-deployment,-job,-cronjob,-ttl-after-finished,-statefulset,-daemonset,-validatingadmissionpolicy-status-controller,-endpoints,-endpointslice,-persistentvolume-binder,-disruption,-pod-garbage-collector,-node-lifecycle,-taint-eviction,-resourcequota,-csrapproving,-horizontalpodautoscaling,-endpointslice-mirroring,-ttl,-ephemeral-volume';

export async function startTestCluster(opts: ClusterOptions & { kubectlVersion?: string } = {}): Promise<TestCluster> {
  const tmp = mkdtempSync(join(tmpdir(), 'minikapi-test-'));
  const cluster = await startCluster({ port: 0, storage: 'memory', dataDir: join(tmp, 'data'), controllers: API_TEST_CONTROLLERS, ...opts });
  const cacheDir = join(tmp, 'kubecache');
  const kubectl = (args: string[], o: KubectlOptions = {}) => runKubectl(cluster.kubeconfigPath, cacheDir, args, { version: opts.kubectlVersion, ...o });
  return Object.assign(cluster, {
    tmp,
    kubectl,
    async k(args: string[], o: KubectlOptions = {}) {
      const r = await kubectl(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
      return r.stdout;
    },
    async cleanup() {
      await cluster.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  });
}

/** A long-running kubectl (e.g. `get -w`) whose output is collected until stopped. */
export function spawnKubectl(kubeconfig: string, cacheDir: string, args: string[], version = '1.33'): { child: ChildProcess; output: () => string; waitFor(re: RegExp, ms?: number): Promise<void>; stop(): Promise<string> } {
  const child = spawn(kubectlBinary(version), [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], { env: { PATH: process.env.PATH ?? '', HOME: cacheDir } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return {
    child,
    output: () => out,
    waitFor(re: RegExp, ms = 10_000) {
      return new Promise((res, rej) => {
        const start = Date.now();
        const tick = () => {
          if (re.test(out)) return res();
          if (Date.now() - start > ms) return rej(new Error(`timed out waiting for ${re} in output:\n${out}`));
          setTimeout(tick, 25);
        };
        tick();
      });
    },
    stop() {
      return new Promise((res) => {
        if (child.exitCode !== null) return res(out);
        child.once('exit', () => res(out));
        child.kill('SIGTERM');
      });
    },
  };
}

/** Split `kubectl get` tabular output into rows of cells. */
export function table(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}/));
}
