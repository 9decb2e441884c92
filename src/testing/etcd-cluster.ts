// Test helper: a throw-away etcd cluster of n members on 127.0.0.1 (free ports, temp data dirs), run with
// the `etcd` binary of Debian's etcd-server. Fails loudly when the binary is missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';

export interface EtcdCluster {
  /** Client URLs, e.g. http://127.0.0.1:41234, one per member. */
  endpoints: string[];
  /** Kills member i (SIGKILL by default) and waits until it is gone. */
  stopMember(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Kills every member and removes the data directories. */
  stop(): Promise<void>;
  /** The index of the member that leads the raft group. */
  leader(): Promise<number>;
}

export interface EtcdClusterOptions {
  /** The etcd binary (default: $ETCD_BIN, /usr/bin/etcd, or etcd on PATH). */
  binary?: string;
  /** How long to wait for every member to answer /health (default 20 s). */
  startTimeoutMs?: number;
  /** Serve clients over TLS with these PEM files, requiring client certificates signed by caFile (the helper's own checks use clientCertFile). */
  tls?: { caFile: string; certFile: string; keyFile: string; clientCertFile: string; clientKeyFile: string };
}

export function etcdBinary(explicit?: string): string {
  const candidates = [explicit, process.env.ETCD_BIN, '/usr/bin/etcd', ...(process.env.PATH ?? '').split(':').filter(Boolean).map((d) => join(d, 'etcd'))];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error("the etcd binary is missing: install Debian's etcd-server (apt-get install -y etcd-server, or `make test-deps`) or set ETCD_BIN");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Member {
  name: string;
  dir: string;
  log: string;
  client: string;
  peer: string;
  proc?: ChildProcess;
}

const live = new Set<ChildProcess>();
let exitHook = false;

function killOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  // a test process that dies must not leave etcd members behind
  process.once('exit', () => {
    for (const p of live) p.kill('SIGKILL');
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

async function healthy(url: string, tls?: EtcdClusterOptions['tls']): Promise<boolean> {
  if (!tls) {
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      return r.ok && ((await r.json()) as { health?: string }).health === 'true';
    } catch {
      return false;
    }
  }
  return new Promise((resolve) => {
    const req = httpsRequest(`${url}/health`, { ca: readFileSync(tls.caFile), cert: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile), timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function exited(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => p.once('exit', () => resolve()));
}

export async function startEtcdCluster(n = 3, opts: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const bin = etcdBinary(opts.binary);
  // tmpfs keeps fsync cheap on a shared test machine; the data still outlives a killed member
  const base = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'minikapi-etcd-'));
  const members: Member[] = [];
  for (let i = 0; i < n; i++) {
    const dir = join(base, `m${i}`);
    mkdirSync(dir);
    const scheme = opts.tls ? 'https' : 'http';
    members.push({ name: `m${i}`, dir, log: join(base, `m${i}.log`), client: `${scheme}://127.0.0.1:${await freePort()}`, peer: `http://127.0.0.1:${await freePort()}` });
  }
  const initial = members.map((m) => `${m.name}=${m.peer}`).join(',');
  const token = `minikapi-test-${process.pid}-${Date.now()}`;
  killOnExit();
  for (const m of members) {
    const fd = openSync(m.log, 'a');
    const args = [
      `--name=${m.name}`,
      `--data-dir=${m.dir}`,
      `--listen-client-urls=${m.client}`,
      `--advertise-client-urls=${m.client}`,
      `--listen-peer-urls=${m.peer}`,
      `--initial-advertise-peer-urls=${m.peer}`,
      `--initial-cluster=${initial}`,
      `--initial-cluster-token=${token}`,
      '--initial-cluster-state=new',
      '--heartbeat-interval=50',
      '--election-timeout=500',
      '--logger=zap',
      ...(opts.tls ? [`--cert-file=${opts.tls.certFile}`, `--key-file=${opts.tls.keyFile}`, `--trusted-ca-file=${opts.tls.caFile}`, '--client-cert-auth'] : []),
    ];
    const proc = spawn(bin, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    m.proc = proc;
  }

  const stop = async (): Promise<void> => {
    for (const m of members) m.proc?.kill('SIGKILL');
    await Promise.all(members.map((m) => (m.proc ? exited(m.proc) : undefined)));
    rmSync(base, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  for (const m of members) {
    while (!(await healthy(m.client, opts.tls))) {
      if (m.proc!.exitCode !== null || Date.now() > deadline) {
        const why = m.proc!.exitCode !== null ? `exited with code ${m.proc!.exitCode}` : 'did not become healthy in time';
        const log = tail(m.log);
        await stop();
        throw new Error(`etcd member ${m.name} (${bin}) ${why}; its log ends with:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    endpoints: members.map((m) => m.client),
    async stopMember(i: number, signal: NodeJS.Signals = 'SIGKILL') {
      const m = members[i];
      if (!m?.proc) throw new RangeError(`no etcd member ${i}`);
      m.proc.kill(signal);
      await exited(m.proc);
    },
    stop,
    async leader() {
      for (let i = 0; i < members.length; i++) {
        if (members[i]!.proc!.exitCode !== null || members[i]!.proc!.signalCode !== null) continue;
        const one = new Etcd3({ hosts: members[i]!.client });
        try {
          const st = await one.maintenance.status({});
          if (st.leader === st.header.member_id) return i;
        } finally {
          one.close();
        }
      }
      throw new Error('no etcd member says it leads');
    },
  };
}
