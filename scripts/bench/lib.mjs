// Shared helpers of scripts/bench.mjs and scripts/startup.mjs: child processes, clean-up, HTTPS, wrk, statistics.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem, type as osType, release as osRelease, arch } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MINIKAPI = join(ROOT, 'bin', 'minikapi');
export const TOKEN = 'minikapi-bench-token';

// ---------------------------------------------------------------- clean-up

const children = new Set();
const tempDirs = new Set();
let cleaning;

/** True once clean-up began (Ctrl-C or the end): nothing new may start. */
export const stopping = () => cleaning !== undefined;

/** Kills every child still running (TERM, then KILL after 2 s) and removes the temp dirs. */
export function cleanup() {
  return (cleaning ??= (async () => {
    await Promise.all([...children].map((c) => killChild(c)));
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    tempDirs.clear();
  })());
}

// 'exit' handlers must be synchronous: last resort when something forgot to await cleanup()
process.on('exit', () => {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {}
  }
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}, stopping child processes\n`);
    cleanup().finally(() => process.exit(130));
  });
}

export function tempDir(label = 'bench') {
  const d = mkdtempSync(join(tmpdir(), `minikapi-${label}-`));
  tempDirs.add(d);
  return d;
}

export function removeDir(d) {
  rmSync(d, { recursive: true, force: true });
  tempDirs.delete(d);
}

/** spawn() that registers the child for clean-up. */
export function spawnTracked(cmd, args, opts = {}) {
  if (stopping()) throw new Error('stopping: no new processes');
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.add(c);
  c.exited = new Promise((r) => c.once('exit', (code, signal) => r({ code, signal })));
  c.exited.then(() => children.delete(c));
  return c;
}

export async function killChild(c, graceMs = 2000) {
  if (c.exitCode !== null || c.signalCode !== null) return;
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(t);
}

// ---------------------------------------------------------------- minikapi processes

export function writeTokenFile(dir) {
  const p = join(dir, 'tokens.csv');
  writeFileSync(p, `${TOKEN},bench,bench-uid,"system:masters"\n`, { mode: 0o600 });
  return p;
}

/**
 * Spawns `node bin/minikapi up --port 0 --data-dir DIR` and resolves once GET /readyz says ok.
 * readyMs is measured from just before spawn() to the ok answer.
 */
export async function startMinikapi({ dataDir, tokenFile, storage, join: joinStore = false, extraArgs = [], timeoutMs = 20_000, nodeArgs = [], bin = MINIKAPI }) {
  // readiness is polled without credentials, as system:anonymous (builds from before the flag let it in anyway;
  // set BENCH_ANONYMOUS_AUTH=1 for another build that has it)
  const args = [bin, 'up', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...(bin === MINIKAPI || process.env.BENCH_ANONYMOUS_AUTH ? ['--anonymous-auth'] : [])];
  if (tokenFile) args.push('--token-auth-file', tokenFile);
  if (storage) args.push('--storage', storage);
  if (joinStore) args.push('--join');
  args.push(...extraArgs);
  const t0 = performance.now();
  const proc = spawnTracked(process.execPath, [...nodeArgs, ...args], { cwd: ROOT });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`minikapi did not print its URL within ${timeoutMs} ms:\n${out}${err}`)), timeoutMs);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /ready at (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`minikapi exited (${code ?? signal}) during start-up:\n${out}${err}`));
    });
  });
  proc.stdout.resume();
  const deadline = t0 + timeoutMs;
  // bounded poll: the ready line comes after listen(), so the first GET normally succeeds
  for (;;) {
    try {
      const r = await request({ url: `${url}/readyz`, agent: false, timeoutMs: 2000 });
      if (r.status === 200 && r.body.toString().trim() === 'ok') break;
    } catch (e) {
      if (performance.now() > deadline) throw e;
    }
    if (performance.now() > deadline) throw new Error(`${url}/readyz not ok within ${timeoutMs} ms`);
    await sleep(5);
  }
  const readyMs = performance.now() - t0;
  const ca = readFileSync(join(dataDir, 'pki', 'ca.crt'));
  // "ready at URL in N ms (process up M ms)": N is startCluster() alone, M includes node and module loading
  const m = /ready at \S+ in (\d+) ms \(process up (\d+) ms\)/.exec(out);
  return { proc, pid: proc.pid, url, port: Number(new URL(url).port), dataDir, readyMs, startClusterMs: m ? Number(m[1]) : NaN, processUpMs: m ? Number(m[2]) : NaN, ca, output: () => out + err };
}

export async function stopMinikapi(s) {
  if (s) await killChild(s.proc, 5000);
}

// ---------------------------------------------------------------- /proc

function procStatus(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
let clkTck;
/** CPU time (user + system) a process used so far, in ms; NaN when it is gone. */
export function cpuMs(pid) {
  clkTck ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "(comm)": state is field 3, utime 14 and stime 15
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / clkTck;
  } catch {
    return NaN;
  }
}

/** Minor page faults a process took so far (fresh memory touched); NaN when it is gone. */
export function minorFaults(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // minflt is field 10
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return NaN;
  }
}

/** Resident set size in MiB. */
export const rssMB = (pid) => procStatus(pid, 'VmRSS');
/** Peak resident set size in MiB. */
export const hwmMB = (pid) => procStatus(pid, 'VmHWM');

// ---------------------------------------------------------------- HTTPS client

export function agentFor(ca, maxSockets = 64) {
  return new https.Agent({ keepAlive: true, maxSockets, ca, rejectUnauthorized: !!ca });
}

/** One HTTPS request with a bearer token; resolves with status, body (Buffer) and the elapsed ms. */
export function request({ url, method = 'GET', body, agent, ca, token, timeoutMs = 30_000, headers = {} }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const h = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      h['Content-Type'] ??= 'application/json';
      h['Content-Length'] = payload.length;
    }
    const req = https.request(url, { method, agent, headers: h, ca, rejectUnauthorized: agent === false && !ca ? false : undefined }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        // the time to the last byte: gathering the chunks into one Buffer is this client's own work (~15 ms per MB of fresh memory here)
        const end = performance.now();
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), ms: end - t0, end });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A client bound to one server: json(method, path, body) throws on non-2xx. */
export function client(server, maxSockets = 64) {
  const agent = agentFor(server.ca, maxSockets);
  const call = async (method, path, body, okStatuses = []) => {
    const r = await request({ url: server.url + path, method, body, agent, token: TOKEN });
    if ((r.status < 200 || r.status > 299) && !okStatuses.includes(r.status)) throw new Error(`${method} ${path}: HTTP ${r.status}: ${r.body.toString().slice(0, 300)}`);
    return r;
  };
  return {
    agent,
    url: server.url,
    raw: call,
    json: async (method, path, body, okStatuses) => {
      const r = await call(method, path, body, okStatuses);
      return r.body.length ? JSON.parse(r.body.toString()) : undefined;
    },
    close: () => agent.destroy(),
  };
}

/** ~1 KiB ConfigMap (the body is 1 KiB give or take the name). */
export const PAYLOAD = 'x'.repeat(900);
export function configMap(ns, name) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { app: 'bench' } }, data: { payload: PAYLOAD } };
}

export async function ensureNamespace(c, ns) {
  await c.raw('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, [409]);
}

/** Creates `count` ConfigMaps named prefix-i with `concurrency` requests in flight (Node client; for small sets). */
export async function createConfigMaps(c, ns, prefix, count, concurrency = 32, from = 0) {
  let next = from;
  const end = from + count;
  const worker = async () => {
    while (next < end) {
      const i = next++;
      await c.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(ns, `${prefix}-${i}`), [409]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Number of ConfigMaps in a namespace (limit=1 + remainingItemCount). */
export async function countConfigMaps(c, ns) {
  const l = await c.json('GET', `/api/v1/namespaces/${ns}/configmaps?limit=1`);
  return l.items.length + (l.metadata.remainingItemCount ?? 0);
}

// ---------------------------------------------------------------- wrk

/** Makes sure wrk is on PATH (installs the Debian package when missing); returns its version line. */
export function ensureWrk(log) {
  const has = () => spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  let v = has();
  if (v.error) {
    log('wrk missing: apt-get install -y wrk');
    let r = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      // a fresh container has no package lists yet
      spawnSync('apt-get', ['update'], { stdio: 'ignore' });
      r = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    v = has();
    if (v.error) throw new Error('wrk is not installed and `apt-get install -y wrk` failed; install it and run again');
  }
  return ((v.stdout || '') + (v.stderr || '')).split('\n')[0].trim();
}

/**
 * Runs wrk with a Lua script (its done() prints one `WRKJSON {...}` line) and returns
 * { rps, requests, p50, p99 (ms), errors, seconds }.
 */
export async function runWrk({ url, script, connections, threads = 2, seconds = 5, args = [], timeoutS = 10, untilDone = false, serverPid }) {
  const cpu0 = serverPid ? cpuMs(serverPid) : NaN;
  const faults0 = serverPid ? minorFaults(serverPid) : NaN;
  const argv = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutS}s`, '-s', script, url];
  if (args.length) argv.push('--', ...args.map(String));
  const p = spawnTracked('wrk', argv);
  let out = '';
  let err = '';
  let interrupted = false;
  p.stdout.on('data', (d) => {
    out += d;
    // wrk sleeps for the whole -d even when every thread stopped; SIGINT makes it report at once
    if (untilDone && !interrupted && (out.match(/^WRKDONE$/gm) ?? []).length >= threads) {
      interrupted = true;
      p.kill('SIGINT');
    }
  });
  p.stderr.on('data', (d) => (err += d));
  // bounded: wrk stops itself after -d; populate scripts stop earlier via thread:stop()
  const killer = setTimeout(() => p.kill('SIGKILL'), (seconds + timeoutS + 15) * 1000);
  const { code } = await p.exited;
  clearTimeout(killer);
  const m = /^WRKJSON (.*)$/m.exec(out);
  if (code !== 0 || !m) throw new Error(`wrk failed (exit ${code}):\n${out}${err}`);
  const j = JSON.parse(m[1]);
  const ok = j.requests - j.errors.status;
  const cpu = serverPid ? cpuMs(serverPid) - cpu0 : NaN;
  const faults = serverPid ? minorFaults(serverPid) - faults0 : NaN;
  return {
    requests: j.requests,
    ok,
    rps: ok / (j.duration_us / 1e6),
    seconds: j.duration_us / 1e6,
    p50: j.p50_us / 1000,
    p99: j.p99_us / 1000,
    errors: j.errors,
    // server CPU per answered request: unlike req/s, hardly moved by other load on the machine
    cpuUsPerReq: (cpu * 1000) / j.requests,
    // pages of fresh memory the server touched per request: each costs a page fault (~1 µs on bare metal, 15–20 µs in some VMs)
    faultsPerReq: faults / j.requests,
  };
}

// ---------------------------------------------------------------- statistics and printing

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (at most maxMs) until the server uses under 10% of a core over a quarter second: after a burst of writes its
 * controllers digest the events for a while, and a figure about one request should not measure that. Returns the wait.
 */
export async function waitForIdle(pid, maxMs = 5000) {
  const t0 = performance.now();
  while (performance.now() - t0 < maxMs) {
    const c0 = cpuMs(pid);
    await sleep(250);
    if (cpuMs(pid) - c0 < 25) break;
  }
  return performance.now() - t0;
}

export function median(xs) {
  return percentile(xs, 50);
}

export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // nearest-rank, as wrk and most latency tools report
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function machineInfo() {
  const cs = cpus();
  let osName = `${osType()} ${osRelease()} ${arch()}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) osName = `${m[1]} (${osType()} ${osRelease()} ${arch()})`;
  } catch {}
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  let commit = '';
  const g = spawnSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], { encoding: 'utf8' });
  if (g.status === 0) commit = g.stdout.trim();
  return {
    cpu: `${cs[0]?.model?.trim() ?? 'unknown'} × ${cs.length}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: osName,
    node: process.version,
    minikapi: `${pkg.version}${commit ? ` (${commit})` : ''}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function printHeader(title, extra = {}) {
  const info = { ...machineInfo(), ...extra };
  const lines = [title];
  for (const [k, v] of Object.entries(info)) lines.push(`  ${k.padEnd(9)} ${v}`);
  return lines.join('\n');
}

/** Renders rows (arrays of cells) as a left/right aligned text table; numeric-looking cells align right. */
export function table(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))));
  const w = headers.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const right = (s) => /^[-+~<≥≤>]?\s*[\d.,]+\s*(ms|µs|s|MiB|%|\/s|×)?$/.test(s);
  const fmt = (r) =>
    r
      .map((c, i) => {
        const pad = w[i] - [...c].length;
        return i > 0 && right(c) ? ' '.repeat(pad) + c : c + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd();
  return [fmt(all[0]), w.map((n) => '-'.repeat(n)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}

export const mark = (ok) => (ok === undefined ? '' : ok ? '✓' : '✗');
export const fmtMs = (ms) => (Number.isFinite(ms) ? (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`) : 'n/a');
export const fmtMB = (mb) => (Number.isFinite(mb) ? `${mb.toFixed(0)} MiB` : 'n/a');
export const fmtRate = (r) => (Number.isFinite(r) ? `${Math.round(r).toLocaleString('en-US')}/s` : 'n/a');
export const fmtPct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : 'n/a');

export function existsOnPath(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 && existsSync(r.stdout.trim());
}
