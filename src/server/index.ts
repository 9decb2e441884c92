// Composition root: options → storage → registry → auth → apiserver → controllers → HTTPS listener.
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync, rmSync, accessSync, existsSync, statSync, constants as fsConstants } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { ensurePki, renderKubeconfig, writeKubeconfig, type Pki } from '../pki/index.js';
import { isEtcdUrl, openBackend, parseEtcdUrl, type Backend, type OpenBackendOptions } from '../storage/index.js';
import { Registry } from '../registry/index.js';
import { createApp, loadHandlers, type VersionInfo } from '../apiserver/app.js';
import { ApiMetrics } from '../apiserver/metrics.js';
import { logError } from '../log/index.js';
import { AuditLog } from '../apiserver/audit/audit.js';
import { loadPolicy } from '../apiserver/audit/policy.js';
import { WebhookAdmission } from '../apiserver/admission/webhook-admission.js';
import { BearerAuthenticator, LoopbackTokens, X509Authenticator, TokenFileAuthenticator } from '../auth/authenticators.js';
import { BasicUserAuthorizer, SuperuserAuthorizer, UnionAuthorizer } from '../auth/authorizers.js';
import type { TokenAuthenticator } from '../auth/types.js';
import { setProtobufDecoderLoader } from '../apiserver/negotiation.js';
import { HttpClient } from '../client/http-client.js';
import { ControllerManager, enabledControllers, type Controller } from '../controllers/runtime/controller.js';
import { NamespaceController } from '../controllers/namespace.js';
import { ServiceAccountsController } from '../controllers/serviceaccounts.js';
import { RootCAPublisher } from '../controllers/root-ca-publisher.js';
import { PodTermination } from '../controllers/pod-termination.js';
import { CSRSigningController } from '../controllers/csr-signing.js';
import { NodeSimulator, simulatedNodeNames } from '../controllers/node-simulator.js';
import { KubeletSimulator } from '../controllers/kubelet-sim.js';
import { Scheduler } from '../controllers/scheduler.js';
import { ReplicaSetController } from '../controllers/replicaset.js';
import { DeploymentController } from '../controllers/deployment.js';
import { WorkloadGarbageCollector } from '../controllers/workload-gc.js';
import { EndpointsController } from '../controllers/endpoints.js';
import { EndpointSliceController } from '../controllers/endpointslice.js';
import { PersistentVolumeBinder } from '../controllers/persistentvolume-binder.js';
import { DisruptionController } from '../controllers/disruption.js';
import { PodGarbageCollector } from '../controllers/pod-garbage-collector.js';
import { NodeLifecycleController } from '../controllers/node-lifecycle.js';
import { TaintEvictionController } from '../controllers/taint-eviction.js';
import { bootstrap } from './bootstrap.js';
import { CRDServing } from '../registry/crd/serving.js';
import { RevisionRecorder, forgetRevision, lockDataDir, prepareDatabaseFile, recordedRevision } from './data-dir.js';
import { VERSION } from './version.js';

export interface ClusterOptions {
  /** Cluster, user and context name (default `minikapi`). */
  name?: string;
  /** Where PKI, kubeconfig and the database live (default `~/.minikapi/<name>`). */
  dataDir?: string;
  host?: string;
  /** 0 picks a free port (default 6443). */
  port?: number;
  /** 'sqlite' (default), 'memory', or an etcd cluster: etcd://host1:2379,host2:2379[?prefix=/p] (etcds:// for TLS). */
  storage?: OpenBackendOptions['kind'];
  /** PEM files for etcd over TLS: CA bundle, client certificate and key. */
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  /** Where to write the kubeconfig (default `<dataDir>/kubeconfig`). */
  kubeconfig?: string;
  /** Upstream-format static token file (token,user,uid,"groups"). */
  tokenAuthFile?: string;
  /** Audit log file (`-` for stdout) and the audit.k8s.io/v1 Policy that says what goes in it. */
  auditLogPath?: string;
  auditPolicyFile?: string;
  serviceClusterIPRange?: string;
  /**
   * Serve a data directory another minikapi already serves, deliberately: both share its state.db, this
   * process writes its own state file and (unless --kubeconfig says otherwise) its own kubeconfig.
   */
  join?: boolean;
  /** Acknowledge writes before they reach the disk: faster, but a power loss may lose them (CI clusters). */
  unsafeNoFsync?: boolean;
  /** How often the SQLite backend polls for other processes' writes (default 50 ms). */
  pollIntervalMs?: number;
  /** How often old revisions are compacted (default 5 minutes; 0 turns compaction off). */
  compactionIntervalMs?: number;
  /** How many revisions compaction keeps (default 1000). */
  compactionRetention?: number;
  /** Read-only and mutating requests served at once before 429 (defaults 400 and 200; 0 = no limit). */
  maxRequestsInFlight?: number;
  maxMutatingRequestsInFlight?: number;
  /** How long a non-watch request may take before 504 (default 60 s; 0 = no limit). */
  requestTimeoutMs?: number;
  /** Controllers to run, as kube-controller-manager's --controllers: `*` (default), `name`, `-name`, `none`. */
  controllers?: string;
  /** Simulated nodes (kind's names: `<name>-control-plane`, `<name>-worker`, …); 0 = none. Default 1. */
  nodes?: number;
  /** Called once per start-up phase with its duration. */
  onPhase?: (phase: string, ms: number) => void;
}

export interface Cluster {
  name: string;
  url: string;
  host: string;
  port: number;
  dataDir: string;
  kubeconfigPath: string;
  kubeconfig: string;
  caCertPem: string;
  /** The admin client credentials (system:masters). */
  adminCertPem: string;
  adminKeyPem: string;
  pki: Pki;
  registry: Registry;
  backend: Backend;
  startedAt: Date;
  stop(): Promise<void>;
}

export class StartupError extends Error {}

/**
 * What kube-apiserver offers by default (Go's crypto/tls defaults): the TLS 1.3 suites, and for TLS 1.2
 * ECDHE with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA only: no CBC-SHA256/384, CCM, ARIA, DHE or RSA key exchange.
 */
const GO_DEFAULT_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
].join(':');

export function defaultDataDir(name: string): string {
  return join(homedir(), '.minikapi', name);
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const name = opts.name ?? 'minikapi';
  const dataDir = resolve(opts.dataDir ?? defaultDataDir(name));
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 6443;
  const storage = opts.storage ?? 'sqlite';
  const kubeconfigPath = resolve(opts.kubeconfig ?? join(dataDir, opts.join ? `kubeconfig-${process.pid}` : 'kubeconfig'));
  const phase = opts.onPhase ?? (() => {});
  const startedAt = new Date();
  let t = performance.now();
  const mark = (p: string) => {
    const now = performance.now();
    phase(p, now - t);
    t = now;
  };

  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, fsConstants.W_OK);
  } catch (e) {
    throw new StartupError(`cannot write the data directory ${dataDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another with --data-dir or fix its permissions`);
  }
  const pki = await ensurePki(join(dataDir, 'pki'), { hosts: [host] });
  mark(pki.generated ? 'pki (new CA)' : 'pki (reused)');

  let lock: { release(): void } = { release() {} };
  try {
    if (!opts.join) lock = lockDataDir(dataDir);
  } catch (e) {
    throw new StartupError(`${(e as Error).message}${storage === 'sqlite' ? ' (or pass --join to serve the same store from this process too)' : ''}`);
  }
  let backend: Backend;
  const dbPath = join(dataDir, 'state.db');
  const recorded = storage === 'sqlite' ? recordedRevision(dataDir) : 0;
  let recorder: RevisionRecorder | undefined;
  let existed = false;
  try {
    if (storage === 'sqlite') {
      existed = prepareDatabaseFile(dbPath).existed;
      // a store started afresh (state.db removed on purpose) owes nothing to the old record
      if (!existed && recorded) forgetRevision(dataDir);
    }
    backend = await openBackend({
      kind: storage,
      path: dbPath,
      pollIntervalMs: opts.pollIntervalMs ?? 50,
      unsafeNoFsync: opts.unsafeNoFsync,
      onCommitted: (r) => recorder?.note(r),
      etcdCAFile: opts.etcdCAFile,
      etcdCertFile: opts.etcdCertFile,
      etcdKeyFile: opts.etcdKeyFile,
    });
  } catch (e) {
    lock.release();
    throw new StartupError((e as Error).message);
  }
  if (existed && recorded) {
    const head = await backend.currentRevision();
    if (head < recorded) {
      await backend.close();
      lock.release();
      throw new StartupError(
        `${dbPath} is at revision ${head}, but this data directory's store had reached revision ${recorded}: it is damaged or an older copy. Restore the newest snapshot, or remove ${join(dataDir, 'state.revision')} to serve it as it is`,
      );
    }
  }
  // from here on every commit is recorded beside the file (a process crash keeps the record)
  if (storage === 'sqlite') {
    recorder = new RevisionRecorder(dataDir);
    recorder.note(await backend.currentRevision());
  }
  if (isEtcdUrl(storage)) {
    let revision: number;
    try {
      revision = await backend.currentRevision();
    } catch (e) {
      await backend.close();
      lock.release();
      throw new StartupError((e as Error).message);
    }
    const n = parseEtcdUrl(storage).endpoints.length;
    mark(`storage (etcd, ${n} endpoint${n === 1 ? '' : 's'}, revision ${revision})`);
  } else if (existed) {
    const size = ['', '-wal'].reduce((n, suffix) => n + (existsSync(dbPath + suffix) ? statSync(dbPath + suffix).size : 0), 0);
    mark(`storage (sqlite, ${(size / 1024 / 1024).toFixed(1)} MiB, revision ${await backend.currentRevision()})`);
  } else mark(`storage (${storage})`);

  const loopbackTokens = new LoopbackTokens();
  const tokenAuthenticators: TokenAuthenticator[] = [loopbackTokens];
  if (opts.tokenAuthFile) {
    try {
      tokenAuthenticators.push(new TokenFileAuthenticator(opts.tokenAuthFile));
    } catch (e) {
      await backend.close();
      lock.release();
      throw new StartupError(`cannot read --token-auth-file: ${(e as Error).message}`);
    }
  }
  let auditLog: AuditLog | undefined;
  if (opts.auditLogPath || opts.auditPolicyFile) {
    try {
      if (!opts.auditLogPath || !opts.auditPolicyFile) throw new Error('--audit-log-path and --audit-policy-file go together');
      auditLog = new AuditLog(await loadPolicy(opts.auditPolicyFile), opts.auditLogPath);
    } catch (e) {
      await backend.close();
      lock.release();
      throw new StartupError((e as Error).message);
    }
  }
  setProtobufDecoderLoader(async () => (await import('../apiserver/protobuf/decode.js')).decodeProtobufObject);
  const registry = new Registry(backend, { serviceClusterIPRange: opts.serviceClusterIPRange });
  await bootstrap(registry);
  const crdServing = new CRDServing(registry);
  await crdServing.start();
  mark('bootstrap');

  const shutdown = new AbortController();
  // every open watch listens for shutdown: more than ten is normal, not a leak
  setMaxListeners(0, shutdown.signal);
  let ready = false;
  let server: Server | undefined;
  const serverAddress = () => {
    const a = server?.address() as AddressInfo | null;
    const h = host.includes(':') ? `[${host}]` : host;
    return `${h}:${a?.port ?? port}`;
  };
  registry.admission = new WebhookAdmission(registry);
  const version: VersionInfo = VERSION;
  const inFlight = { readOnly: 0, mutating: 0 };
  const metrics = new ApiMetrics({
    inFlight: () => inFlight,
    async storageObjects() {
      const out = new Map<string, number>();
      for (const d of registry.defs) {
        if (d.createOnly) continue;
        const name = d.group ? `${d.resource}.${d.group}` : d.resource;
        if (out.has(name)) continue;
        try {
          out.set(name, (await registry.storage.count(d.keyPrefix)).count);
        } catch {
          out.set(name, -1);
        }
      }
      return out;
    },
  });
  const app = createApp({
    auditLog,
    metrics,
    inFlight,
    registry,
    authenticators: [new X509Authenticator(), new BearerAuthenticator(tokenAuthenticators)],
    authorizer: new UnionAuthorizer([new SuperuserAuthorizer(), new BasicUserAuthorizer()]),
    version,
    shutdown: shutdown.signal,
    serverAddress,
    healthChecks: [{ name: 'etcd', check: async () => { try { await backend.currentRevision(); return undefined; } catch (e) { return (e as Error).message; } } }],
    isReady: () => ready,
    maxRequestsInFlight: opts.maxRequestsInFlight,
    maxMutatingRequestsInFlight: opts.maxMutatingRequestsInFlight,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
  server = createServer(
    {
      key: pki.serverKeyPem,
      cert: pki.serverCertPem,
      ca: pki.caCertPem,
      requestCert: true,
      rejectUnauthorized: false,
      keepAliveTimeout: 65_000,
      minVersion: 'TLSv1.2',
      ciphers: GO_DEFAULT_CIPHERS,
      honorCipherOrder: true,
    },
    getRequestListener(app.fetch),
  );
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolveListen, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new StartupError(`port ${port} on ${host} is already in use; stop what is using it or pass --port 0 (or another --port)`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new StartupError(`cannot listen on ${host}: the address is not on this machine; pass --host 127.0.0.1`));
      else reject(new StartupError(`cannot listen on ${host}:${port}: ${e.message}`));
    };
    server!.once('error', onError);
    server!.listen(port, host, () => {
      server!.off('error', onError);
      resolveListen();
    });
  }).catch(async (e) => {
    await backend.close();
    lock.release();
    throw e;
  });
  const actualPort = (server.address() as AddressInfo).port;
  void loadHandlers();
  // prom-client takes ~50 ms to load: after start-up's first requests, not in their way
  setTimeout(() => void metrics.load(), 2000).unref();
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `https://${urlHost}:${actualPort}`;
  mark('listen');

  const controllers = startControllers(app.fetch.bind(app), loopbackTokens, { certPem: pki.caCertPem, keyPem: pki.caKeyPem }, opts.controllers ?? '*', simulatedNodeNames(name, opts.nodes ?? 1));
  await controllers.start();
  const compactor = startCompactor(backend, opts.compactionIntervalMs ?? 5 * 60_000, opts.compactionRetention ?? 1000);
  ready = true;
  const kubeconfig = renderKubeconfig({ name, server: url, caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem });
  await writeKubeconfig(kubeconfigPath, kubeconfig);
  const stateFile = join(dataDir, opts.join ? `minikapi-${process.pid}.json` : 'minikapi.json');
  writeFileSync(stateFile, JSON.stringify({ pid: process.pid, url, host, port: actualPort, storage, kubeconfig: kubeconfigPath, startedAt: startedAt.toISOString() }, null, 2) + '\n', { mode: 0o600 });
  mark('ready');

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      ready = false;
      shutdown.abort();
      controllers.stop();
      crdServing.stop();
      compactor.stop();
      await new Promise<void>((r) => {
        server!.close(() => r());
        server!.closeIdleConnections();
        setTimeout(() => server!.closeAllConnections(), 200).unref();
      });
      registry.close();
      await auditLog?.close();
      await backend.close();
      recorder?.close();
      try {
        rmSync(stateFile, { force: true });
      } catch {
        /* already gone */
      }
      lock.release();
    })());

  return {
    name,
    url,
    host,
    port: actualPort,
    dataDir,
    kubeconfigPath,
    kubeconfig,
    caCertPem: pki.caCertPem,
    adminCertPem: pki.adminCertPem,
    adminKeyPem: pki.adminKeyPem,
    pki,
    registry,
    backend,
    startedAt,
    stop,
  };
}

const CONTROLLERS: ((nodes: string[]) => Controller)[] = [
  () => new NamespaceController(),
  () => new ServiceAccountsController(),
  () => new RootCAPublisher(),
  () => new PodTermination(),
  () => new CSRSigningController(),
  (nodes) => new NodeSimulator(nodes, VERSION.gitVersion),
  (nodes) => new KubeletSimulator(nodes),
  () => new Scheduler(),
  () => new ReplicaSetController(),
  () => new DeploymentController(),
  () => new WorkloadGarbageCollector(),
  () => new EndpointsController(),
  () => new EndpointSliceController(),
  () => new PersistentVolumeBinder(),
  () => new DisruptionController(),
  () => new PodGarbageCollector(),
  () => new NodeLifecycleController(),
  () => new TaintEvictionController(),
];

/** The in-process controllers, talking to the API through the app itself as kube-controller-manager would over HTTPS. */
function startControllers(fetch: (req: Request) => Response | Promise<Response>, tokens: LoopbackTokens, ca: { certPem: string; keyPem: string }, spec: string, nodes: string[]): ControllerManager {
  const all = CONTROLLERS.map((make) => make(nodes));
  const enabled = new Set(enabledControllers(spec, all.map((c) => c.name)));
  // until RBAC's bootstrap roles exist, the controller identity is a member of system:masters
  const token = tokens.mint({ username: 'system:kube-controller-manager', groups: ['system:masters', 'system:authenticated'] });
  const client = new HttpClient(async (req) => fetch(req), { Authorization: `Bearer ${token}`, 'User-Agent': `kube-controller-manager/${VERSION.gitVersion} (linux/amd64) kubernetes/minikapi` });
  return new ControllerManager(client, ca, all.filter((c) => enabled.has(c.name)), (name, err) => logError('controllermanager', 'controller failed, will retry', err, { controller: name }));
}

/** Compacts the log on an interval, keeping the newest `retention` revisions. */
function startCompactor(backend: Backend, intervalMs: number, retention: number): { stop(): void } {
  if (intervalMs <= 0) return { stop() {} };
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const target = (await backend.currentRevision()) - retention;
      if (target > (await backend.compactRevision())) await backend.compact(target);
    } catch (e) {
      logError('compact', 'compaction failed', e);
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export { hostname };
