// Composition root: options → storage → registry → auth → apiserver → controllers → HTTPS listener.
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync, rmSync, accessSync, existsSync, statSync, constants as fsConstants } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { ensurePki, renderKubeconfig, writeKubeconfigSync, type Pki } from '../pki/index.js';
import { isEtcdUrl, openBackend, parseEtcdUrl, type Backend, type OpenBackendOptions } from '../storage/index.js';
import { instrumentBackend, type StorageObserver } from '../storage/instrumented.js';
import { Registry } from '../registry/index.js';
import { createApp, loadHandlers, type HealthCheck, type VersionInfo } from '../apiserver/app.js';
import { ApiMetrics } from '../apiserver/metrics.js';
import { logError, logInfo } from '../log/index.js';
import { AuditLog } from '../apiserver/audit/audit.js';
import { loadPolicy } from '../apiserver/audit/policy.js';
import { WebhookAdmission } from '../apiserver/admission/webhook-admission.js';
import { callWebhook } from '../apiserver/admission/webhook-call.js';
import type { Webhook } from '../apiserver/admission/webhook-match.js';
import { AdmissionChain } from '../apiserver/admission/policy/admission-chain.js';
import { BuiltinAdmission } from '../apiserver/admission/builtin-admission.js';
import { admissionPluginsProblem, enabledAdmissionPlugins, IMPLEMENTED_ADMISSION_PLUGINS } from '../apiserver/admission/admission-plugins.js';
import { podSecurityPluginConfig, readAdmissionConfiguration, resourceQuotaPluginConfig } from '../apiserver/admission/admission-config.js';
import { ResourceQuotaController } from '../controllers/resource-quota.js';
import { PolicyAdmission } from '../apiserver/admission/policy/policy-admission.js';
import { PodSecurityAdmission } from '../apiserver/admission/pod-security/pod-security-admission.js';
import { celAuthorizer } from '../apiserver/admission/policy/cel-authorizer.js';
import { typeCheckPolicy } from '../apiserver/admission/policy/type-check-policy.js';
import { loadCel } from '../cel/lazy.js';
import { crdSchemaResolver } from '../apiserver/admission/policy/crd-schemas.js';
import { ValidatingAdmissionPolicyStatusController } from '../controllers/validating-admission-policy-status.js';
import { BearerAuthenticator, LoopbackTokens, X509Authenticator, TokenFileAuthenticator } from '../auth/authenticators.js';
import { AlwaysAllowAuthorizer, SuperuserAuthorizer, UnionAuthorizer } from '../auth/authorizers.js';
import { RBACAuthorizer } from '../auth/rbac-authorizer.js';
import { APFConfigConsumer } from './apf-config-consumer.js';
import { FlowClassifier } from '../apiserver/flowcontrol/classifier.js';
import { reconcileBootstrapPolicy } from '../auth/bootstrap-policy.js';
import type { TokenAuthenticator } from '../auth/types.js';
import { setProtobufDecoderLoader } from '../apiserver/negotiation.js';
import { HttpClient, type Transport } from '../client/http-client.js';
import { enabledControllers, type Controller } from '../controllers/runtime/controller.js';
import { ElectedControllerManager } from '../controllers/runtime/elected-manager.js';
import { NamespaceController } from '../controllers/namespace.js';
import { ServiceAccountsController } from '../controllers/serviceaccounts.js';
import { RootCAPublisher } from '../controllers/root-ca-publisher.js';
import { PodTermination } from '../controllers/pod-termination.js';
import { CSRSigningController } from '../controllers/csr-signing.js';
import { NodeSimulator, simulatedNodeNames } from '../controllers/node-simulator.js';
import { KubeletSimulator } from '../controllers/kubelet-sim.js';
import { loadStages, StageFileError, type Stage } from '../controllers/stages-load.js';
import { Scheduler } from '../controllers/scheduler.js';
import { REPLICATIONCONTROLLER_KIND, ReplicaSetController } from '../controllers/replicaset.js';
import { DeploymentController } from '../controllers/deployment.js';
import { StatefulSetController } from '../controllers/statefulset.js';
import { DaemonSetController } from '../controllers/daemonset.js';
import { GarbageCollector } from '../controllers/garbage-collector.js';
import { TokensController, type LegacyTokenGenerator } from '../controllers/tokens.js';
import { ServiceAccountKeys } from '../auth/service-account-keys.js';
import { ServiceAccountTokens } from '../auth/service-account-tokens.js';
import { issuerDiscoveryDocuments, issuerDiscoveryProblem, type IssuerDiscoveryDocuments } from '../auth/service-account-issuer-discovery.js';
import { ClusterRoleAggregationController } from '../controllers/clusterrole-aggregation.js';
import { JobController } from '../controllers/job.js';
import { CronJobController } from '../controllers/cronjob.js';
import { TTLAfterFinishedController } from '../controllers/ttl-after-finished.js';
import { EndpointsController } from '../controllers/endpoints.js';
import { EndpointSliceController } from '../controllers/endpointslice.js';
import { PersistentVolumeBinder } from '../controllers/persistentvolume-binder.js';
import { DisruptionController } from '../controllers/disruption.js';
import { PodGarbageCollector } from '../controllers/pod-garbage-collector.js';
import { NodeLifecycleController } from '../controllers/node-lifecycle.js';
import { TaintEvictionController } from '../controllers/taint-eviction.js';
import { PVCProtectionController } from '../controllers/pvc-protection.js';
import { TTLController } from '../controllers/ttl.js';
import { EphemeralVolumeController } from '../controllers/ephemeral-volume.js';
import { PVProtectionController } from '../controllers/pv-protection.js';
import { CSRApprovingController } from '../controllers/csr-approving.js';
import { EndpointSliceMirroringController } from '../controllers/endpointslice-mirroring.js';
import { HorizontalPodAutoscalerController, type HPAOptions } from '../controllers/horizontal-pod-autoscaler.js';
import { advertiseAddress, bootstrap, reconcileKubernetesEndpoints } from './bootstrap.js';
import { CRDServing } from '../registry/crd/serving.js';
import { RevisionRecorder, clustersHome, forgetRevision, lockDataDir, prepareDatabaseFile, recordedRevision } from './data-dir.js';
import { VERSION } from './version.js';
import { ControllerClients } from './controller-clients.js';
import { controllerIdentity } from '../controllers/runtime/identities.js';

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
  /** `RBAC` (default) or `AlwaysAllow`, as kube-apiserver's --authorization-mode (Node is not served). */
  authorizationMode?: 'RBAC' | 'AlwaysAllow';
  /** Requests without credentials act as system:anonymous (default: they get 401), as kube-apiserver's --anonymous-auth. */
  anonymousAuth?: boolean;
  /** Upstream-format static token file (token,user,uid,"groups"). */
  tokenAuthFile?: string;
  /** Audit log file (`-` for stdout) and the audit.k8s.io/v1 Policy that says what goes in it. */
  auditLogPath?: string;
  auditPolicyFile?: string;
  /** --audit-log-maxsize (MB before the file is rotated; 0 never), --audit-log-maxbackup (0 keeps all), --audit-log-maxage (days; 0 no limit). */
  auditLogMaxSizeMB?: number;
  auditLogMaxBackups?: number;
  auditLogMaxAgeDays?: number;
  /** --service-account-issuer: the first signs tokens, all are accepted (default https://kubernetes.default.svc.cluster.local). */
  serviceAccountIssuers?: string[];
  /** --service-account-max-token-expiration in seconds (default 0: no limit). */
  serviceAccountMaxTokenExpirationSeconds?: number;
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
  /** --enable-admission-plugins and --disable-admission-plugins: upstream plugin names added to, or taken from, v1.33's default set. */
  enableAdmissionPlugins?: string[];
  disableAdmissionPlugins?: string[];
  /** --admission-control-config-file: an apiserver.config.k8s.io/v1 AdmissionConfiguration (PodSecurity's PodSecurityConfiguration). */
  admissionControlConfigFile?: string;
  /** Controllers to run, as kube-controller-manager's --controllers: `*` (default), `name`, `-name`, `none`. */
  controllers?: string;
  /**
   * Resolve once the API server is ready, the controllers still winning their lease and syncing their informers
   * (upstream they are another process: kube-apiserver's /readyz does not wait for them). The command line sets it.
   */
  controllersInBackground?: boolean;
  /** The HPA controller's --horizontal-pod-autoscaler-* settings (sync period, downscale stabilization, ...). */
  horizontalPodAutoscaler?: HPAOptions;
  /** Simulated nodes (kind's names: `<name>-control-plane`, `<name>-worker`, …); 0 = none. Default 1. */
  nodes?: number;
  /** kwok Stage files (a file or a directory of multi-document YAML): the pods and nodes they match follow them. */
  stages?: string;
  /** Fills the store before bootstrap (`up --from <snapshot>`); a failure ends start-up with its message. */
  seed?: (backend: Backend) => Promise<string>;
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
  /** The in-process controllers: they run while this process holds the kube-controller-manager Lease. */
  controllers: ElectedControllerManager;
  /** Settles once the controllers' first try for the lease is over (when won, their informers have synced). */
  controllersStarted: Promise<unknown>;
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
  return join(clustersHome(), name);
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
  let stages: Stage[] = [];
  try {
    if (opts.stages) stages = loadStages(opts.stages, VERSION.gitVersion);
  } catch (e) {
    throw e instanceof StageFileError ? new StartupError(e.message) : e;
  }
  let t = performance.now();
  const mark = (p: string) => {
    const now = performance.now();
    phase(p, now - t);
    t = now;
  };

  // the admission flags and configuration are checked before anything else, as kube-apiserver's options
  const admissionProblem = admissionPluginsProblem(opts.enableAdmissionPlugins, opts.disableAdmissionPlugins);
  if (admissionProblem) throw new StartupError(admissionProblem);
  const admissionPlugins = enabledAdmissionPlugins(opts.enableAdmissionPlugins, opts.disableAdmissionPlugins);
  // as envtest runs kube-apiserver: with no controller making each namespace's default ServiceAccount, the
  // ServiceAccount plugin (which refuses pods whose account does not exist) is off unless asked for by name
  const allControllers = controllerNames();
  const enabledControllerNames = new Set(enabledControllers(opts.controllers ?? '*', allControllers));
  if (!opts.enableAdmissionPlugins?.includes('ServiceAccount') && !enabledControllerNames.has('serviceaccount')) admissionPlugins.delete('ServiceAccount');
  for (const plugin of opts.enableAdmissionPlugins ?? []) if (!IMPLEMENTED_ADMISSION_PLUGINS.has(plugin)) logInfo(0, 'admission', 'Admission plugin is accepted but not carried out by minikapi', { plugin });
  let podSecurityConfig: ReturnType<typeof podSecurityPluginConfig> | undefined;
  let limitedResources: ReturnType<typeof resourceQuotaPluginConfig> = [];
  try {
    const configs = await readAdmissionConfiguration(opts.admissionControlConfigFile);
    if (admissionPlugins.has('PodSecurity')) podSecurityConfig = podSecurityPluginConfig(configs);
    if (admissionPlugins.has('ResourceQuota')) limitedResources = resourceQuotaPluginConfig(configs);
  } catch (e) {
    throw new StartupError((e as Error).message);
  }

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

  if (opts.seed) {
    try {
      mark(await opts.seed(backend));
    } catch (e) {
      await backend.close();
      lock.release();
      throw new StartupError((e as Error).message);
    }
  }

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
      auditLog = new AuditLog(await loadPolicy(opts.auditPolicyFile), opts.auditLogPath, { maxSizeMB: opts.auditLogMaxSizeMB, maxBackups: opts.auditLogMaxBackups, maxAgeDays: opts.auditLogMaxAgeDays });
    } catch (e) {
      await backend.close();
      lock.release();
      throw new StartupError((e as Error).message);
    }
  }
  setProtobufDecoderLoader(async () => (await import('../apiserver/protobuf/decode.js')).decodeProtobufObject);
  // storage requests are timed for etcd_request_duration_seconds, labelled by the resource their key is under
  let observeStorage: StorageObserver = () => {};
  const registry = new Registry(instrumentBackend(backend, (op, key, seconds, failed) => observeStorage(op, key, seconds, failed)), { serviceClusterIPRange: opts.serviceClusterIPRange });
  const saProblem = serviceAccountOptionsProblem(opts);
  if (saProblem) {
    await backend.close();
    lock.release();
    throw new StartupError(saProblem);
  }
  const saKeys = new ServiceAccountKeys(pki.saKeyPem, [pki.saPubPem]);
  const saTokens = new ServiceAccountTokens({ registry, keys: saKeys, issuers: opts.serviceAccountIssuers, maxExpirationSeconds: opts.serviceAccountMaxTokenExpirationSeconds });
  registry.services.serviceAccountTokens = saTokens;
  await bootstrap(registry);
  await reconcileBootstrapPolicy(registry);
  registry.services.callConversionWebhook = (clientConfig, review, timeoutSeconds) => callWebhook(registry, { name: '', configurationName: '', clientConfig: clientConfig as Webhook['clientConfig'], timeoutSeconds }, review);
  const crdServing = new CRDServing(registry);
  await crdServing.start();
  mark('bootstrap');

  const shutdown = new AbortController();
  // every watch served listens for the shutdown
  setMaxListeners(0, shutdown.signal);
  const healthChecks: HealthCheck[] = [{ name: 'etcd', check: async () => { try { await backend.currentRevision(); return undefined; } catch (e) { return (e as Error).message; } } }];
  let ready = false;
  let server: Server | undefined;
  const serverAddress = () => {
    const a = server?.address() as AddressInfo | null;
    const h = host.includes(':') ? `[${host}]` : host;
    return `${h}:${a?.port ?? port}`;
  };
  const version: VersionInfo = VERSION;
  const inFlight = { readOnly: 0, mutating: 0 };
  const metrics = new ApiMetrics({
    inFlight: () => inFlight,
    async storageObjects() {
      const out = new Map<string, number>();
      for (const d of registry.defs) {
        if (d.createOnly || d.computed) continue;
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
  let prefixes = new Map<string, { group: string; resource: string }>();
  let prefixesAt = -1;
  observeStorage = (operation, key, seconds, failed) => {
    if (prefixesAt !== registry.generation) {
      prefixes = new Map(registry.defs.map((d) => [d.keyPrefix.endsWith('/') ? d.keyPrefix : `${d.keyPrefix}/`, { group: d.group, resource: d.resource }]));
      prefixesAt = registry.generation;
    }
    // the longest resource prefix of the key, tried at each '/' from the end (a key has a handful)
    const at = key.endsWith('/') ? key : `${key}/`;
    let r: { group: string; resource: string } | undefined;
    for (let i = at.length - 1; i > 0 && !r; i = at.lastIndexOf('/', i - 1)) r = prefixes.get(at.slice(0, i + 1));
    metrics.recordStorage({ operation, group: r?.group ?? '', resource: r?.resource ?? '', seconds, failed });
  };
  let discovery: IssuerDiscoveryDocuments | undefined;
  // authorization as kube-apiserver's default chain: the system:masters group, then RBAC (Node is not served)
  const rbac = new RBACAuthorizer();
  const allowAll = opts.authorizationMode === 'AlwaysAllow' ? new AlwaysAllowAuthorizer() : undefined;
  const authorizer = new UnionAuthorizer([new SuperuserAuthorizer(), allowAll ?? rbac]);
  registry.services.authorization = rbac.services(authorizer, allowAll);
  // policies' `authorizer` asks the same chain as requests (both answer synchronously)
  registry.services.admissionPlugins = admissionPlugins;
  registry.admission = new AdmissionChain(new WebhookAdmission(registry), new PolicyAdmission(registry, celAuthorizer([new SuperuserAuthorizer(), allowAll ?? rbac])), new PodSecurityAdmission(registry, podSecurityConfig), new BuiltinAdmission(registry, admissionPlugins, limitedResources));
  const flowControl = new FlowClassifier();
  const app = createApp({
    flowControl,
    auditLog,
    metrics,
    inFlight,
    registry,
    authenticators: [new X509Authenticator(), new BearerAuthenticator(saTokens.tokenAuthenticators(tokenAuthenticators))],
    authorizer,
    anonymousAuth: opts.anonymousAuth ?? false,
    version,
    shutdown: shutdown.signal,
    serverAddress,
    // upstream serves discovery only for an issuer it can describe (an https URL)
    issuerDiscovery: issuerDiscoveryProblem(saTokens.issuer, saKeys) ? undefined : () => (discovery ??= issuerDiscoveryDocuments(saTokens.issuer, saKeys, undefined, serverAddress())),
    healthChecks,
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
  await reconcileKubernetesEndpoints(registry, advertiseAddress(host), actualPort);

  // RBAC's informers list and watch through the app as the API server's loopback identity (system:masters)
  const loopback = loopbackTokens.mint({ username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] });
  const loopbackClient = new HttpClient(async (req, env) => app.fetch(req, env), { Authorization: `Bearer ${loopback}`, 'User-Agent': `kube-apiserver/${VERSION.gitVersion} (linux/amd64) kubernetes/minikapi` });
  await rbac.start(loopbackClient, (e) => logError('rbac', 'informer failed, will retry', e));
  const apfConfig = new APFConfigConsumer(loopbackClient, (e) => logError('apf', 'flow-control configuration consumer failed, will retry', e), flowControl);
  // requests are classified from the moment the server reports ready, as upstream's readyz waits for APF's configuration
  const apfConfigured = apfConfig.start();
  let controllersStartingUp = true;
  const controllers = startControllers(async (req, env) => app.fetch(req, env), loopbackTokens, { certPem: pki.caCertPem, keyPem: pki.caKeyPem }, allControllers, enabledControllerNames, { nodes: simulatedNodeNames(name, opts.nodes ?? 1), tokenGenerator: saTokens, stages, horizontalPodAutoscaler: opts.horizontalPodAutoscaler }, () => controllersStartingUp);
  healthChecks.push(...controllers.healthChecks());
  const controllersStarted = controllers.start();
  const startedUp = () => (controllersStartingUp = false);
  controllersStarted.then(startedUp, startedUp);
  if (opts.controllersInBackground) controllersStarted.catch((e) => logError('controllermanager', 'controllers failed to start', e));
  else await controllersStarted;
  await apfConfigured;
  const compactor = startCompactor(backend, opts.compactionIntervalMs ?? 5 * 60_000, opts.compactionRetention ?? 1000);
  ready = true;
  const kubeconfig = renderKubeconfig({ name, server: url, caPem: pki.caCertPem, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem });
  // without yielding: the controllers' first syncs would hold up the last step of start-up
  writeKubeconfigSync(kubeconfigPath, kubeconfig);
  const stateFile = join(dataDir, opts.join ? `minikapi-${process.pid}.json` : 'minikapi.json');
  writeFileSync(stateFile, JSON.stringify({ pid: process.pid, url, host, port: actualPort, storage, kubeconfig: kubeconfigPath, startedAt: startedAt.toISOString() }, null, 2) + '\n', { mode: 0o600 });
  mark('ready');

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      ready = false;
      // a start still under way finishes first (the elector's stop needs its loop), then the requests its
      // controllers deferred to the event loop run, before the storage closes under them
      await controllersStarted.catch(() => {});
      await new Promise((r) => setImmediate(r));
      await controllers.stop();
      await apfConfig.stop();
      shutdown.abort();
      rbac.stop();
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
    controllers,
    controllersStarted: controllersStarted.catch(() => false),
    startedAt,
    stop,
  };
}

/** kube-apiserver's checks of the service-account flags. */
function serviceAccountOptionsProblem(opts: ClusterOptions): string | undefined {
  const seen = new Set<string>();
  for (const iss of opts.serviceAccountIssuers ?? []) {
    if (!iss) return 'service-account-issuer should not be an empty string';
    if (iss.includes(':') && !URL.canParse(iss)) return `service-account-issuer ${JSON.stringify(iss)} contained a ':' but was not a valid URL`;
    if (seen.has(iss)) return `service-account-issuer ${JSON.stringify(iss)} is already specified`;
    seen.add(iss);
  }
  const max = opts.serviceAccountMaxTokenExpirationSeconds ?? 0;
  if (max !== 0 && (max < 3600 || max > 2 ** 32)) return 'service-account-max-token-expiration is out of range, must be between 1 hour and 2^32 seconds';
  return undefined;
}

/** What controllers may need from the server beyond the API. */
interface ControllerDeps {
  /** The simulated nodes' names. */
  nodes: string[];
  tokenGenerator: LegacyTokenGenerator;
  /** --stages: the simulators play them on the pods and nodes they match. */
  stages: Stage[];
  horizontalPodAutoscaler?: HPAOptions;
}

const CONTROLLERS: ((d: ControllerDeps) => Controller)[] = [
  () => new NamespaceController(),
  () => new ServiceAccountsController(),
  () => new RootCAPublisher(),
  () => new PodTermination(),
  () => new GarbageCollector(),
  () => new CSRSigningController(),
  (d) => new TokensController(d.tokenGenerator),
  (d) => new NodeSimulator(d.nodes, VERSION.gitVersion, d.stages),
  (d) => new KubeletSimulator(d.nodes, d.stages),
  () => new Scheduler(),
  () => new ReplicaSetController(),
  () => new ReplicaSetController(REPLICATIONCONTROLLER_KIND),
  () => new DeploymentController(),
  () => new ClusterRoleAggregationController(),
  () => new JobController(),
  () => new CronJobController(),
  () => new TTLAfterFinishedController(),
  () => new ValidatingAdmissionPolicyStatusController(async (policy, crds) => {
    await loadCel();
    return typeCheckPolicy(policy, crdSchemaResolver(crds));
  }),
  () => new StatefulSetController(),
  () => new DaemonSetController(),
  () => new EndpointsController(),
  () => new EndpointSliceController(),
  () => new PersistentVolumeBinder(),
  () => new EphemeralVolumeController(),
  () => new DisruptionController(),
  () => new PodGarbageCollector(),
  () => new NodeLifecycleController(),
  () => new TaintEvictionController(),
  () => new ResourceQuotaController(),
  () => new PVCProtectionController(),
  () => new PVProtectionController(),
  () => new CSRApprovingController(),
  (d) => new HorizontalPodAutoscalerController(d.horizontalPodAutoscaler),
  () => new EndpointSliceMirroringController(),
  () => new TTLController(),
];

/** Every controller's name (as --controllers takes it), enabled or not. */
export function controllerNames(deps: ControllerDeps = { nodes: [], tokenGenerator: { legacyToken: async () => '' }, stages: [] }): string[] {
  return CONTROLLERS.map((make) => make(deps).name);
}

/**
 * The in-process controllers, talking to the API through the app itself as kube-controller-manager would over
 * HTTPS with --use-service-account-credentials: the Lease and the shared informers as system:kube-controller-manager,
 * each controller's own requests as its service account (the scheduler as system:kube-scheduler).
 */
function startControllers(fetch: Transport, tokens: LoopbackTokens, ca: { certPem: string; keyPem: string }, all: string[], enabled: ReadonlySet<string>, deps: ControllerDeps, startingUp: () => boolean): ElectedControllerManager {
  // a controller without an identity is a programming error: fail at start, not on every leadership attempt
  const anonymous = all.filter((n) => !controllerIdentity(n));
  if (anonymous.length) throw new Error(`controllers without an identity in CONTROLLER_IDENTITIES (src/controllers/runtime/identities.ts): ${anonymous.join(', ')}`);
  // while they start, through the event loop as kube-controller-manager's requests come over the network: a client's
  // request is served between theirs, not after their whole sync (later, as they always were, not to race a stop)
  const builder = new ControllerClients(async (req, env) => {
    if (startingUp()) await new Promise((r) => setImmediate(r));
    return fetch(req, env);
  }, tokens);
  const controllers = () => CONTROLLERS.map((make) => make(deps)).filter((c) => enabled.has(c.name));
  return new ElectedControllerManager({
    client: builder.root('shared-informers'),
    metadataClient: builder.root('metadata-informers'),
    clients: (name) => builder.forController(name),
    electionClient: builder.root('leader-election'),
    ca,
    controllers,
    onError: (name, err) => logError('controllermanager', 'controller failed, will retry', err, { controller: name }),
  });
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
