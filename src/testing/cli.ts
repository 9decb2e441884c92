// The `minikapi` command run as a user runs it, for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.js';

export const BIN = join(REPO_ROOT, 'bin', 'minikapi');

export interface Running {
  child: ChildProcess;
  out: () => string;
  kubeconfig: string;
  exit: Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** Kills every minikapi these helpers started that is still running (call from after()). */
export function killAll(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children.clear();
}

export function up(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'up', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`minikapi up did not become ready:\n${out}`)), 15_000);
    const check = () => {
      const m = /export KUBECONFIG=(.+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, out: () => out, kubeconfig: m[1], exit });
      }
    };
    child.stdout!.on('data', check);
    exit.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`minikapi up exited with ${code}:\n${out}`), { out, code }));
    });
  });
}

export function upFails(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'up', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

export async function stop(r: Running, sig: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  r.child.kill(sig);
  return r.exit;
}
