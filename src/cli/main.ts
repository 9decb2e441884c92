// The `minikapi` command line: up, kubeconfig, status (and, from their own files: down, list, delete, snapshot, history).
// first: it holds V8's young generation and optimizing compiler back while the modules load and the server starts
import { releaseYoungGeneration, releaseYoungGenerationAfter } from './young-generation.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { configureLog, type LogFormat } from '../log/index.js';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Cluster } from '../server/index.js';
import { clustersHome } from '../server/data-dir.js';
import { StorageError } from '../storage/backend.js';
import { isEtcdUrl, parseEtcdUrl } from '../storage/etcd-url.js';
import type { OpenBackendOptions } from '../storage/index.js';
import { pluginList } from '../apiserver/admission/admission-plugins.js';
import { addUpOptions, afterReady, seedFor, startWaitTimer } from './up-extras.js';
import { detachedUp } from './detach.js';
import { registerLifecycle } from './lifecycle.js';
import { registerSnapshot } from './snapshot.js';
import { registerHistory } from './history.js';

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

function parseCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number');
  return Number(v);
}

/** A Go flag boolean: `--x`, `--x true`, `--x=false` (strconv.ParseBool's spellings). */
function parseBool(v: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new InvalidArgumentError(`must be true or false`);
}

function parseAuthorizationMode(v: string): 'RBAC' | 'AlwaysAllow' {
  if (v === 'RBAC' || v === 'AlwaysAllow') return v;
  throw new InvalidArgumentError('must be "RBAC" or "AlwaysAllow"');
}

function parseStorage(v: string): OpenBackendOptions['kind'] {
  if (v === 'sqlite' || v === 'memory') return v;
  if (!isEtcdUrl(v)) throw new InvalidArgumentError('must be "sqlite", "memory" or etcd://host:port[,host:port...][?prefix=/path]');
  try {
    parseEtcdUrl(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return v as OpenBackendOptions['kind'];
}

/** A Go duration as kube-apiserver's flags take it: 60s, 1m0s, 1h30m, 500ms. */
function parseDuration(v: string): number {
  const m = /^((?:\d+(?:\.\d+)?(?:h|m|s|ms))+)$/.exec(v);
  if (!m && v !== '0') throw new InvalidArgumentError('must be a duration such as 60s, 1m0s or 2m');
  let ms = 0;
  for (const [, n, unit] of v.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) ms += Number(n) * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as Record<string, number>)[unit!]!;
  return ms;
}

/** A pflag string slice: comma-separated, and a repeated flag adds to what came before. */
function addPlugins(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), ...pluginList(v)];
}

function fail(msg: string): never {
  process.stderr.write(`minikapi: ${msg}\n`);
  process.exit(1);
}

const program = new Command();
program.name('minikapi').description('A Kubernetes API server in one Node.js process.').version('0.1.0');

program
  .command('up')
  .description('start the API server and write a kubeconfig')
  .option('--name <cluster>', 'cluster, user and context name', 'minikapi')
  .option('--data-dir <dir>', 'where PKI, kubeconfig and state live (default: ~/.minikapi/<name>)')
  .option('--host <addr>', 'address to listen on', '127.0.0.1')
  .option('--port <n>', 'port to listen on; 0 picks a free port', parsePort, 6443)
  .option('--storage <kind>', 'sqlite (file <data-dir>/state.db), memory (nothing kept after exit), or an etcd cluster: etcd://host:2379[,host:2379...][?prefix=/p] (etcds:// for TLS)', parseStorage, 'sqlite')
  .option('--etcd-cafile <file>', 'CA bundle that signed the etcd servers\' certificates (turns on TLS)')
  .option('--etcd-certfile <file>', 'client certificate for etcd (TLS)')
  .option('--etcd-keyfile <file>', 'client key for etcd (TLS)')
  .option('--kubeconfig <path>', 'where to write the kubeconfig (default: <data-dir>/kubeconfig)')
  .option('--authorization-mode <mode>', 'RBAC, or AlwaysAllow (every authenticated request is allowed)', parseAuthorizationMode, 'RBAC')
  .option('--anonymous-auth [enabled]', 'let requests without credentials in as system:anonymous (RBAC grants it health and version); default false: they get 401', parseBool, false)
  .option('--token-auth-file <csv>', 'static bearer tokens, upstream format: token,user,uid,"group1,group2"')
  .option('--audit-log-path <file>', 'write audit events (audit.k8s.io/v1 JSON lines) to this file; - for stdout')
  .option('--audit-policy-file <file>', 'the audit.k8s.io/v1 Policy saying which requests are logged at which level')
  .option('--audit-log-maxsize <MB>', 'rotate the audit log once it would grow past this many megabytes (0 = never)', parseCount, 0)
  .option('--audit-log-maxbackup <n>', 'rotated audit log files to keep (0 = all)', parseCount, 0)
  .option('--audit-log-maxage <days>', 'days to keep rotated audit log files (0 = no limit)', parseCount, 0)
  .option('--service-account-issuer <url>', 'issuer of service-account tokens (iss); repeat to accept more, the first signs (default https://kubernetes.default.svc.cluster.local)', (v: string, prev: string[]) => [...prev, v], [] as string[])
  .option('--service-account-max-token-expiration <duration>', 'longest token a TokenRequest gets (longer requests are shortened with a warning; 0 = no limit)', parseDuration, 0)
  .option('--service-cluster-ip-range <cidr>', 'service cluster IP range', '10.96.0.0/12')
  .option('--poll-interval <ms>', "how often the SQLite store looks for other processes' writes", parseCount, 50)
  .option('--compaction-interval <seconds>', 'how often old revisions are compacted (0 = never)', parseCount, 300)
  .option('--compaction-retention <revisions>', 'how many revisions compaction keeps', parseCount, 1000)
  .option('--max-requests-inflight <n>', 'read-only requests served at once before 429 (0 = no limit)', parseCount, 400)
  .option('--max-mutating-requests-inflight <n>', 'mutating requests served at once before 429 (0 = no limit)', parseCount, 200)
  .option('--request-timeout <duration>', 'how long a non-watch request may take before 504 (0 = no limit)', parseDuration, 60_000)
  .option('--join', 'serve a data directory another minikapi serves, sharing its state.db (own state file and kubeconfig)')
  .option('--unsafe-no-fsync', 'acknowledge writes before they reach the disk (faster; a power loss may lose them — for throw-away clusters)')
  .option('--enable-admission-plugins <list>', 'admission plugins to run besides the default ones, comma-separated upstream names (e.g. AlwaysPullImages,NamespaceExists)', addPlugins)
  .option('--disable-admission-plugins <list>', 'default admission plugins not to run, comma-separated upstream names (e.g. TaintNodesByCondition,PodSecurity)', addPlugins)
  .option('--admission-control-config-file <file>', 'apiserver.config.k8s.io/v1 AdmissionConfiguration: per-plugin configuration (PodSecurity\'s PodSecurityConfiguration defaults and exemptions)')
  .option('--controllers <list>', 'in-process controllers: * (all), name, -name, or none (a pure API server)', '*')
  .option('--nodes <n>', 'simulated nodes (kind names: <name>-control-plane, <name>-worker, …); 0 = none', parseCount, 1)
  .option('--stages <file|dir>', 'kwok Stage YAML (kwok.x-k8s.io/v1alpha1): the simulated pods and nodes a stage matches follow the stages (e.g. CrashLoopBackOff, NotReady)')
  .option('-v, --v <level>', 'log verbosity on stderr, as kube-apiserver\'s -v (3 logs every request)', parseCount, 0)
  .addOption(new Option('--log-format <format>', 'log lines as klog text or JSON').choices(['text', 'json']).default('text'))
  .action(async (o) => {
    if (o.detach) return detachedUp(o, process.argv.slice(3), fail);
    configureLog({ format: o.logFormat as LogFormat, verbosity: o.v });
    // the server's some 300 modules load here, not for the commands that do not start one
    const { startCluster, StartupError } = await import('../server/index.js');
    const t0 = performance.now();
    // with --print-kubeconfig stdout carries the kubeconfig alone; what a person reads goes to stderr
    const out = (s: string) => (o.printKubeconfig ? process.stderr : process.stdout).write(s + '\n');
    const waitTimer = startWaitTimer(o, fail);
    let cluster: Cluster | undefined;
    let stopping = false;
    const shutdown = (sig: string) => {
      if (stopping) return;
      stopping = true;
      out(`minikapi: ${sig} received, stopping`);
      if (!cluster) return; // start-up finishes first, then stops
      cluster.stop().then(
        () => process.exit(0),
        (e) => fail(`error while stopping: ${(e as Error).message}`),
      );
    };
    // handlers go in before start-up so that a signal at any moment ends cleanly
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    try {
      cluster = await startCluster({
        name: o.name,
        dataDir: o.dataDir,
        host: o.host,
        port: o.port,
        storage: o.storage,
        seed: seedFor(o),
        etcdCAFile: o.etcdCafile,
        etcdCertFile: o.etcdCertfile,
        etcdKeyFile: o.etcdKeyfile,
        kubeconfig: o.kubeconfig,
        tokenAuthFile: o.tokenAuthFile,
        auditLogPath: o.auditLogPath,
        auditPolicyFile: o.auditPolicyFile,
        auditLogMaxSizeMB: o.auditLogMaxsize,
        auditLogMaxBackups: o.auditLogMaxbackup,
        auditLogMaxAgeDays: o.auditLogMaxage,
        nodes: o.nodes,
        stages: o.stages,
        serviceAccountIssuers: o.serviceAccountIssuer,
        serviceAccountMaxTokenExpirationSeconds: Math.floor(o.serviceAccountMaxTokenExpiration / 1000),
        authorizationMode: o.authorizationMode,
        anonymousAuth: o.anonymousAuth,
        serviceClusterIPRange: o.serviceClusterIpRange,
        compactionIntervalMs: o.compactionInterval * 1000,
        pollIntervalMs: o.pollInterval,
        compactionRetention: o.compactionRetention,
        maxRequestsInFlight: o.maxRequestsInflight,
        maxMutatingRequestsInFlight: o.maxMutatingRequestsInflight,
        requestTimeoutMs: o.requestTimeout,
        controllers: o.controllers,
        controllersInBackground: true,
        enableAdmissionPlugins: o.enableAdmissionPlugins,
        disableAdmissionPlugins: o.disableAdmissionPlugins,
        admissionControlConfigFile: o.admissionControlConfigFile,
        unsafeNoFsync: o.unsafeNoFsync === true,
        join: o.join === true,
        onPhase: (p, ms) => out(`  ${p.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms`),
      });
    } catch (e) {
      if (e instanceof StartupError || e instanceof StorageError) fail((e as Error).message);
      fail(`failed to start: ${(e as Error).message}`);
    }
    const c = cluster!;
    // manifests applied at start (--from) are a workload: they get the young generation and optimizing compiler
    if (o.from) releaseYoungGeneration();
    else void releaseYoungGenerationAfter(c.controllersStarted, () => c.controllers.idle());
    out(`minikapi ${c.name} ready at ${c.url} in ${(performance.now() - t0).toFixed(0)} ms (process up ${(process.uptime() * 1000).toFixed(0)} ms)`);
    out(`export KUBECONFIG=${c.kubeconfigPath}`);
    out(`try: kubectl get ns   (context "${c.name}" in that kubeconfig)`);
    waitTimer.clear();
    try {
      await afterReady(c, o, out);
    } catch (e) {
      await c.stop();
      fail((e as Error).message);
    }
    if (stopping) {
      stopping = false;
      shutdown('signal during start-up');
    }
  });

program
  .command('kubeconfig')
  .description('print the kubeconfig of a cluster, or (with --user) one for a new user with a certificate from the cluster CA')
  .option('--name <cluster>', 'cluster name', 'minikapi')
  .option('--data-dir <dir>', 'data directory (default: ~/.minikapi/<name>)')
  .option('--user <name>', 'a kubeconfig for this user instead of the admin: a new client certificate signed by the cluster CA')
  .option('--group <group>', 'a group of --user (repeatable)', (g: string, all: string[]) => [...all, g], [] as string[])
  .action(async (o) => {
    const dir = resolve(o.dataDir ?? join(clustersHome(), o.name));
    if (o.group.length && !o.user) fail('--group needs --user');
    if (o.user) {
      const { userKubeconfig } = await import('./user-kubeconfig.js');
      try {
        process.stdout.write(userKubeconfig(dir, o.name, o.user, o.group));
      } catch (e) {
        fail((e as Error).message);
      }
      return;
    }
    const stateFile = join(dir, 'minikapi.json');
    let path = join(dir, 'kubeconfig');
    if (existsSync(stateFile)) {
      try {
        path = JSON.parse(readFileSync(stateFile, 'utf8')).kubeconfig ?? path;
      } catch {
        /* fall back to the default path */
      }
    }
    if (!existsSync(path)) fail(`no kubeconfig for cluster "${o.name}" at ${path}; start it with: minikapi up --name ${o.name}`);
    process.stdout.write(readFileSync(path, 'utf8'));
  });

program
  .command('status')
  .description('tell whether a cluster is running, where, since when, and how many objects it holds')
  .option('--name <cluster>', 'cluster name', 'minikapi')
  .option('--data-dir <dir>', 'data directory (default: ~/.minikapi/<name>)')
  .action(async (o) => {
    const dir = resolve(o.dataDir ?? join(clustersHome(), o.name));
    // loaded only for this command: it needs a YAML parser that `up` does not
    const { clusterStatus } = await import('./status.js');
    const r = await clusterStatus(o.name, dir);
    process.stdout.write(r.text + '\n');
    process.exit(r.running ? 0 : 3);
  });

addUpOptions(program.commands.find((c) => c.name() === 'up')!);
// only a server's start-up holds V8 back; the other commands (snapshot save of a large store...) run as usual
program.hook('preAction', (_, action) => {
  if (action.name() !== 'up') releaseYoungGeneration();
});
registerLifecycle(program, fail);
registerSnapshot(program, fail);
registerHistory(program, fail);

program.parseAsync(process.argv).catch((e) => fail((e as Error).message));
