// `up --detach`: the same `up` run as a background process (own session, output to a log file, pid file beside
// it); this process waits, within --wait, for its report and for /readyz, then prints where it is and returns.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR_FILES } from '../server/data-dir.js';
import { clusterDir, serverPid, serverState } from './cluster-dir.js';
import { credentialsOf, isReady } from './https-transport.js';
import { stopProcess } from './lifecycle.js';
import type { ReadyInfo, UpExtras } from './up-extras.js';

const DEFAULT_WAIT_MS = 60_000;

/** The arguments of this `up` for the background one: without the flags only this process acts on. */
export function childArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--detach' || a === '--print-kubeconfig' || a.startsWith('--wait=')) continue;
    if (a === '--wait') {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function tail(file: string, n: number): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines.slice(-n).map((l) => `  | ${l}`).join('\n');
  } catch {
    return '';
  }
}

export async function detachedUp(o: UpExtras, argv: string[], fail: (msg: string) => never): Promise<void> {
  const { name, dir } = clusterDir(o);
  const say = (s: string) => (o.printKubeconfig ? process.stderr : process.stdout).write(s + '\n');
  const running = serverPid(dir);
  if (running) {
    const st = serverState(dir);
    fail(`cluster "${name}" is already running (pid ${running}${st ? ` at ${st.url}` : ''}); stop it with: minikapi down --name ${name}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const log = join(dir, DATA_DIR_FILES.log);
  const pidFile = join(dir, DATA_DIR_FILES.pid);
  const fd = openSync(log, 'w', 0o600);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'up', ...childArgs(argv)], {
    detached: true,
    stdio: ['ignore', fd, fd, 'ipc'],
    env: process.env,
  });
  closeSync(fd);
  const pid = child.pid!;
  writeFileSync(pidFile, `${pid}\n`, { mode: 0o600 });
  const wait = o.wait ?? DEFAULT_WAIT_MS;
  const kubeconfigNote = o.kubeconfigMerge ? ' (merged once ready)' : ' (written once ready)';
  if (wait === 0) {
    child.disconnect();
    child.unref();
    say(`minikapi ${name} starting in the background (pid ${pid}), log: ${log}`);
    say(`kubeconfig: ${join(dir, 'kubeconfig')}${kubeconfigNote}`);
    return;
  }
  const outcome = await new Promise<{ ready: ReadyInfo } | { exited: number | null } | { timeout: true }>((resolve) => {
    const timer = setTimeout(() => resolve({ timeout: true }), wait);
    child.on('message', (m: { ready?: ReadyInfo }) => {
      if (m?.ready) {
        clearTimeout(timer);
        resolve({ ready: m.ready });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ exited: code });
    });
  });
  const giveUp = async (msg: string) => {
    if (child.exitCode === null) await stopProcess(pid, 5000);
    rmSync(pidFile, { force: true });
    const last = tail(log, 5);
    fail(`${msg}; see its log: ${log}${last ? `\n${last}` : ''}`);
  };
  if ('exited' in outcome) return giveUp(`cluster "${name}" exited (code ${outcome.exited}) before it was ready`);
  if ('timeout' in outcome) return giveUp(`cluster "${name}" was not ready within ${wait / 1000}s`);
  const info = outcome.ready;
  const kubeconfig = readFileSync(info.kubeconfig, 'utf8');
  const creds = credentialsOf(kubeconfig);
  const deadline = Date.now() + wait;
  while (!(await isReady(creds))) {
    if (Date.now() > deadline) return giveUp(`cluster "${name}" did not answer /readyz with ok within ${wait / 1000}s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (child.connected) child.disconnect();
  child.unref();
  say(`minikapi ${name} running at ${info.url} (pid ${pid}), log: ${log}`);
  if (info.seeded !== undefined) say(`applied ${info.seeded} objects from ${o.from}`);
  if (info.mergedInto) {
    say(`kubeconfig: ${info.mergedInto} (merged, current context)`);
    say(`context: ${info.context}`);
  } else {
    say(`kubeconfig: ${info.kubeconfig}`);
    say(`context: ${info.context}`);
    say(`export KUBECONFIG=${info.kubeconfig}`);
  }
  say(`stop it with: minikapi down --name ${name}`);
  if (o.printKubeconfig) process.stdout.write(kubeconfig);
}
