#!/usr/bin/env node
// `npm run bench` / `make bench`: starts minikapi itself, drives it with wrk and a Node client, and prints
// a table of figures next to the targets of issue 5. A script that prints figures, never a test.
// Needs a build (dist/); installs wrk (Debian package) when missing. Progress goes to stderr, the table to stdout.
import { join, dirname } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  TOKEN, cleanup, stopping, tempDir, spawnTracked, killChild, writeTokenFile, startMinikapi, stopMinikapi, client, ensureNamespace,
  createConfigMaps, countConfigMaps, ensureWrk, runWrk, cpuMs, rssMB, hwmMB, median, percentile, sleep, waitForIdle, printHeader, table,
  mark, fmtMs, fmtMB, fmtRate, fmtPct,
} from './bench/lib.mjs';
import { writeWrkScripts } from './bench/wrk-scripts.mjs';
import { measureStartup, startupRows, STARTUP_TARGETS } from './bench/startup-figures.mjs';
import { watchLatency } from './bench/watch.mjs';
import { sqliteBackendThroughput, etcdThroughput } from './bench/storage.mjs';
import { measureCRDs } from './bench/crds.mjs';
import { measureWorkloads } from './bench/workloads.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SECONDS = 5; // per wrk run: 10 runs + 2 ceiling runs keep the HTTP part near one minute
const CONNS = [16, 64];
const OPS = ['create', 'get', 'update', 'list'];
const T = {
  ...STARTUP_TARGETS,
  get: 0.5, // of the ceiling
  create: 0.25,
  list10k: 150,
  watchSame: 10,
  watchCross: 100,
  rss100k: 400,
};
const TOTAL_LIMIT_MS = 10 * 60_000;

const log = (m) => process.stderr.write(`… ${m}\n`);
const R = { errors: [] };

/** Runs one part; a failure is recorded and printed, the other parts still run. */
async function part(name, fn) {
  if (stopping()) return;
  const t0 = performance.now();
  log(`${name}`);
  try {
    await fn();
  } catch (e) {
    if (stopping()) return;
    R.errors.push(`${name}: ${e.message.split('\n').slice(0, 4).join(' | ')}`);
    log(`${name} FAILED: ${e.stack ?? e}`);
  }
  log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * The bare node:https server with the cluster's own serving key, driven by the same get script; with
 * script 'create', the bare durable create server (bare-create-server.mjs) driven by the create script.
 */
async function measureCeiling(dataDir, lua, script = 'get') {
  const server = script === 'create' ? 'bare-create-server.mjs' : 'bare-server.mjs';
  const p = spawnTracked(process.execPath, [join(HERE, 'bench', server), join(dataDir, 'pki', 'server.crt'), join(dataDir, 'pki', 'server.key')]);
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`bare server did not start: ${out}`)), 10_000);
      p.stdout.on('data', (d) => {
        out += d;
        const m = /listening (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      p.exited.then(() => reject(new Error(`bare server exited: ${out}`)));
    });
    const res = {};
    for (const conns of CONNS) {
      log(`${server}, ${conns} connections`);
      const args = script === 'create' ? [TOKEN, 'bench', `bare${conns}`, 0] : [TOKEN, 'rw', 'rw', 1000];
      res[conns] = await runWrk({ url: `https://127.0.0.1:${port}`, script: lua[script], connections: conns, seconds: SECONDS, args, serverPid: p.pid });
    }
    return res;
  } finally {
    await killChild(p);
  }
}

/** Creates exactly `count` ConfigMaps (besides kube-root-ca.crt) in ns through wrk, topping up from Node if some failed. */
async function populate(c, url, lua, ns, prefix, count, maxSeconds) {
  const t0 = performance.now();
  const threads = 2;
  await runWrk({ url, script: lua.create, connections: 64, threads, seconds: maxSeconds, args: [TOKEN, ns, prefix, Math.ceil(count / threads)], untilDone: true });
  const have = (await countConfigMaps(c, ns)) - 1;
  // a few failed creates are made up from Node; many mean wrk hit its time cap, and the figure says how many are stored
  if (have < count && count - have <= 2000) {
    log(`${ns}: ${count - have} creates missing after wrk, adding them from Node`);
    await createConfigMaps(c, ns, `${prefix}-fill`, count - have);
  }
  return { seconds: (performance.now() - t0) / 1000, stored: (await countConfigMaps(c, ns)) - 1 };
}

/** Full LIST (one request) and a paged walk (limit=500 + continue) of a namespace: times in ms. */
async function listTimes(c, ns, runs, pid) {
  const settledMs = await waitForIdle(pid);
  const full = [];
  const fullCpu = [];
  const paged = [];
  let items = 0;
  let pages = 0;
  for (let i = 0; i <= runs; i++) {
    const cpu0 = cpuMs(pid);
    const r = await c.raw('GET', `/api/v1/namespaces/${ns}/configmaps`);
    if (i === 0) items = JSON.parse(r.body.toString()).items.length; // first run is a warm-up
    else {
      full.push(r.ms);
      fullCpu.push(cpuMs(pid) - cpu0);
    }
    const t0 = performance.now();
    let cont = '';
    pages = 0;
    // bounded: 10k objects are 21 pages
    for (let p = 0; p < 1000; p++) {
      const l = await c.json('GET', `/api/v1/namespaces/${ns}/configmaps?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      pages++;
      cont = l.metadata.continue;
      if (!cont) break;
    }
    if (i > 0) paged.push(performance.now() - t0);
  }
  return { full: median(full), fullCpu: median(fullCpu), paged: median(paged), items, pages, settledMs };
}

async function main() {
  const tStart = performance.now();
  // other work on the machine skews every figure: the header shows how busy it was
  R.load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${TOTAL_LIMIT_MS / 60000} min, giving up\n`);
    cleanup().finally(() => process.exit(2));
  }, TOTAL_LIMIT_MS);
  watchdog.unref();

  const wrkVersion = ensureWrk(log);
  const work = tempDir('bench');
  const tokenFile = writeTokenFile(work);
  const lua = writeWrkScripts(join(work, 'lua'));

  await part('start-up: 5 cold and 5 warm starts', async () => {
    R.startup = await measureStartup({ runs: 5, log });
  });

  // server A: throughput, LIST 10k, watch (B joins it on the same data dir for cross-process watch)
  const dA = join(work, 'a');
  let A;
  let B;
  let c;
  await part('server A: start and seed namespaces', async () => {
    A = await startMinikapi({ dataDir: dA, tokenFile });
    c = client(A);
    for (const ns of ['bench', 'rw', 'small', 'list10k', 'watch']) await ensureNamespace(c, ns);
    await createConfigMaps(c, 'rw', 'rw', 1000);
    await createConfigMaps(c, 'small', 's', 10);
  });

  if (A) {
    await part('ceiling: bare node:https server', async () => {
      R.ceiling = await measureCeiling(dA, lua);
    });
    await part('reference: bare durable create server', async () => {
      R.bareCreate = await measureCeiling(dA, lua, 'create');
    });

    R.ops = [];
    await part('throughput: wrk against minikapi', async () => {
      for (const conns of CONNS) {
        for (const op of OPS) {
          log(`${op}, ${conns} connections, ${SECONDS} s`);
          const args = {
            create: [TOKEN, 'bench', `c${conns}`, 0],
            get: [TOKEN, 'rw', 'rw', 1000],
            update: [TOKEN, 'rw', 'rw', 1000],
            list: [TOKEN, 'small'],
          }[op];
          R.ops.push({ op, conns, ...(await runWrk({ url: A.url, script: lua[op], connections: conns, seconds: SECONDS, args, serverPid: A.pid })) });
        }
      }
      R.rssAfterLoad = rssMB(A.pid);
    });

    await part('LIST 10k: populate through wrk, then LIST full and paged', async () => {
      R.pop10k = await populate(c, A.url, lua, 'list10k', 'l', 10_000, 60);
      R.list10k = await listTimes(c, 'list10k', 5, A.pid);
    });

    R.watch = [];
    await part('watch latency: same process', async () => {
      for (const watchers of [1, 100]) {
        log(`watch, same process, ${watchers} watcher(s)`);
        R.watch.push({ where: 'same process', watchers, ...(await watchLatency({ writer: c, watchServer: A, watchClient: c, ns: 'watch', prefix: `s${watchers}-`, watchers })) });
      }
    });
    await part('watch latency: cross-process (second minikapi on the same SQLite file)', async () => {
      B = await startMinikapi({ dataDir: dA, tokenFile, join: true });
      const cB = client(B);
      try {
        for (const watchers of [1, 100]) {
          log(`watch, cross-process, ${watchers} watcher(s)`);
          R.watch.push({ where: 'cross-process', watchers, ...(await watchLatency({ writer: c, watchServer: B, watchClient: cB, ns: 'watch', prefix: `x${watchers}-`, watchers })) });
        }
      } finally {
        cB.close();
      }
    });
    await stopMinikapi(B);
    c.close();
    await stopMinikapi(A);
  }

  await part('100k objects: populate a fresh server through wrk, RSS, LIST pages', async () => {
    const C = await startMinikapi({ dataDir: join(work, 'c'), tokenFile });
    const cc = client(C);
    try {
      await ensureNamespace(cc, 'big');
      R.pop100k = await populate(cc, C.url, lua, 'big', 'b', 100_000, 120);
      await sleep(1000);
      R.rss100k = rssMB(C.pid);
      const first = [];
      for (let i = 0; i < 11; i++) {
        const r = await cc.raw('GET', '/api/v1/namespaces/big/configmaps?limit=500');
        if (i > 0) first.push(r.ms); // first one is a warm-up
      }
      const pageMs = [];
      let cont = '';
      // bounded: 100k objects are 201 pages
      for (let p = 0; p < 1000; p++) {
        const r = await cc.raw('GET', `/api/v1/namespaces/big/configmaps?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
        pageMs.push(r.ms);
        cont = JSON.parse(r.body.toString()).metadata.continue;
        if (!cont) break;
      }
      R.list100k = { first: median(first), p50: percentile(pageMs, 50), p99: percentile(pageMs, 99), pages: pageMs.length };
      R.rss100kAfterList = rssMB(C.pid);
      R.hwm100k = hwmMB(C.pid);
    } finally {
      cc.close();
      await stopMinikapi(C);
    }
  });

  await part('custom resources: 200 CRDs, then CRs against ConfigMaps', async () => {
    const D = await startMinikapi({ dataDir: join(work, 'd'), tokenFile, extraArgs: ['--controllers', 'none'] });
    const cd = client(D);
    try {
      R.crds = await measureCRDs(cd);
    } finally {
      cd.close();
      await stopMinikapi(D);
    }
  });

  await part('workloads: a 1,000-replica Deployment, 50 namespaces deleted', async () => {
    // ten simulated nodes: a node takes at most 110 pods, as a kubelet's default --max-pods
    const W = await startMinikapi({ dataDir: join(work, 'w'), tokenFile, extraArgs: ['--nodes', '10'] });
    const cw = client(W);
    try {
      R.workloads = await measureWorkloads(cw);
    } finally {
      cw.close();
      await stopMinikapi(W);
    }
  });

  await part('storage backend: raw put/range, SQLite and etcd (one member on loopback)', async () => {
    R.rawSqlite = await sqliteBackendThroughput(work);
    R.etcd = await etcdThroughput(work, log);
  });

  if (stopping()) return;
  R.elapsed = (performance.now() - tStart) / 1000;
  console.log(report(wrkVersion));
}

function report(wrkVersion) {
  const out = [];
  const wrkV = /wrk\s+(\S+)/.exec(wrkVersion)?.[1] ?? wrkVersion;
  out.push(printHeader('minikapi benchmark (npm run bench)', { wrk: wrkV, load: `${R.load} (1/5/15 min load average at start)` }));
  out.push('');

  // the ceiling first: every throughput below is also a ratio to it
  const ceil = (conns) => R.ceiling?.[conns]?.rps;
  const rows = [];
  for (const conns of CONNS) {
    const k = R.ceiling?.[conns];
    if (k) rows.push([`ceiling: bare node:https, fixed 1 KiB JSON`, conns, fmtRate(k.rps), '100%', fmtMs(k.p50), fmtMs(k.p99), '', '', fmtUs(k.cpuUsPerReq), '100%', errs(k)]);
  }
  for (const conns of CONNS) {
    const b = R.bareCreate?.[conns];
    if (b) rows.push([`reference: bare durable create (no Kubernetes logic)`, conns, fmtRate(b.rps), fmtPct(b.rps / ceil(conns)), fmtMs(b.p50), fmtMs(b.p99), '', '', fmtUs(b.cpuUsPerReq), fmtPct(R.ceiling?.[conns]?.cpuUsPerReq / b.cpuUsPerReq), errs(b)]);
  }
  for (const o of R.ops ?? []) {
    const ratio = o.rps / ceil(o.conns);
    const target = T[o.op];
    const label = { create: 'create (POST)', get: 'get', update: 'update (PUT, unconditional)', list: 'list (namespace of 10)' }[o.op];
    const cpuRatio = R.ceiling?.[o.conns]?.cpuUsPerReq / o.cpuUsPerReq;
    rows.push([label, o.conns, fmtRate(o.rps), fmtPct(ratio), fmtMs(o.p50), fmtMs(o.p99), target ? `≥ ${fmtPct(target)}` : '', target ? mark(ratio >= target) : '', fmtUs(o.cpuUsPerReq), fmtPct(cpuRatio), errs(o)]);
  }
  out.push(`HTTP throughput: wrk, 2 threads, ${SECONDS} s per run, keep-alive HTTPS, bearer token, 1 KiB ConfigMaps`);
  out.push(table(['request', 'conns', 'req/s', 'of ceiling', 'p50', 'p99', 'target', '', 'CPU/req', 'of ceiling (CPU)', 'errors'], rows));
  out.push('CPU/req: server user+sys CPU per request (/proc/<pid>/stat); it moves much less than req/s when other work shares the machine.');
  out.push('bare durable create: parses, stamps and prints the object and commits it to SQLite as the store does (one transaction per');
  out.push('event-loop turn, WAL synced before the answers), nothing else: what durable writes alone allow on this machine.');
  out.push('');

  const fig = [];
  if (R.startup) fig.push(...startupRows(R.startup, { fmtMs, fmtMB, mark }, 5));
  if (R.rssAfterLoad) fig.push(['RSS of server A after the throughput runs', fmtMB(R.rssAfterLoad), '', '']);
  if (R.pop10k) fig.push(['create 10k ConfigMaps through wrk (64 conns)', `${R.pop10k.seconds.toFixed(1)} s`, '', '']);
  if (R.list10k) {
    const l = R.list10k;
    fig.push([`LIST 10k ConfigMaps, one request (${l.items} items) to its last byte, median of 5, once the server idles (${fmtMs(l.settledMs)} after populating)`, fmtMs(l.full), `< ${T.list10k} ms`, mark(l.full < T.list10k)]);
    fig.push(['LIST 10k, one request: server CPU (user+sys), median of 5', fmtMs(l.fullCpu), '', '']);
    fig.push([`LIST 10k paged by limit=500 (${l.pages} pages, parsed), median of 5`, fmtMs(l.paged), '', '']);
  }
  for (const w of R.watch ?? []) {
    const target = w.where === 'same process' ? T.watchSame : T.watchCross;
    const miss = w.missed ? `, ${w.missed} missed` : '';
    fig.push([`watch delivery p50, ${w.where}, ${w.watchers} watcher${w.watchers > 1 ? 's' : ''} (${w.writes} writes${miss})`, fmtMs(w.p50), '', '']);
    fig.push([`watch delivery p99, ${w.where}, ${w.watchers} watcher${w.watchers > 1 ? 's' : ''}`, fmtMs(w.p99), `< ${target} ms`, mark(w.p99 < target && !w.missed)]);
  }
  if (R.pop100k) fig.push([`create 100k ConfigMaps through wrk (64 conns; ${R.pop100k.stored.toLocaleString('en-US')} stored)`, `${R.pop100k.seconds.toFixed(1)} s`, '', '']);
  if (R.rss100k !== undefined) fig.push(['RSS with 100k objects stored (after creating them)', fmtMB(R.rss100k), `< ${T.rss100k} MiB`, mark(R.rss100k < T.rss100k)]);
  if (R.list100k) {
    const l = R.list100k;
    fig.push(['LIST first page (limit=500) of 100k, median of 10', fmtMs(l.first), '', '']);
    fig.push([`LIST page (limit=500) of 100k, p50 / p99 over all ${l.pages} pages`, `${fmtMs(l.p50)} / ${fmtMs(l.p99)}`, '', '']);
    fig.push(['RSS after paging through 100k / peak (VmHWM)', `${fmtMB(R.rss100kAfterList)} / ${fmtMB(R.hwm100k)}`, '', '']);
  }
  if (R.crds) {
    const k = R.crds;
    fig.push(['200 CRDs created (8 in flight) until all are Established', fmtMs(k.crds200Ms), '< 5000 ms', mark(k.crds200Ms < 5000)]);
    fig.push(['200 CRDs created until all are in discovery', fmtMs(k.servedMs), '', '']);
    const ratio = k.crRate / k.cmRate;
    fig.push([`create custom resources vs ConfigMaps (Node client, 16 in flight): ${fmtRate(k.crRate)} vs ${fmtRate(k.cmRate)}`, fmtPct(ratio), '≥ 80%', mark(ratio >= 0.8)]);
  }
  if (R.workloads) {
    const w = R.workloads;
    fig.push(['Deployment of 1,000 replicas created until all are available', fmtMs(w.rolloutMs), '< 10000 ms', mark(w.rolloutMs < 10_000)]);
    fig.push(['50 namespaces of 20 ConfigMaps each deleted until they are gone', fmtMs(w.nsDeleteMs), '< 5000 ms', mark(w.nsDeleteMs < 5000)]);
  }
  if (R.rawSqlite) {
    const e = R.etcd;
    const vs = (a, b) => (b ? ` (${(a / b).toFixed(2)}× the etcd backend)` : '');
    fig.push(['storage backend (sqlite, in-process, 16 in flight): put 1 KiB', fmtRate(R.rawSqlite.put) + vs(R.rawSqlite.put, e?.put), '', '']);
    fig.push(['storage backend (sqlite, in-process, 16 in flight): range of 10 keys', fmtRate(R.rawSqlite.range) + vs(R.rawSqlite.range, e?.range), '', '']);
  }
  if (R.etcd) {
    const e = R.etcd;
    fig.push([`storage backend (etcd ${e.version}, 1 member on loopback, 16 in flight): put 1 KiB`, `${fmtRate(e.put)} (bare etcd3 client ${fmtRate(e.raw.put)})`, '', '']);
    fig.push([`storage backend (etcd ${e.version}, 1 member on loopback, 16 in flight): range of 10 keys`, `${fmtRate(e.range)} (bare etcd3 client ${fmtRate(e.raw.range)})`, '', '']);
  }
  out.push('Figures');
  out.push(table(['figure', 'value', 'target', ''], fig));
  if (R.errors.length) {
    out.push('\nParts that failed:');
    for (const e of R.errors) out.push(`  ${e}`);
  }
  out.push(`\nwhole run: ${R.elapsed.toFixed(0)} s; load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  return out.join('\n');
}

const fmtUs = (us) => (Number.isFinite(us) ? `${us.toFixed(0)} µs` : 'n/a');

function errs(r) {
  const e = r.errors;
  const parts = [];
  if (e.status) parts.push(`${e.status} non-2xx`);
  for (const k of ['connect', 'read', 'write', 'timeout']) if (e[k]) parts.push(`${e[k]} ${k}`);
  return parts.join(', ') || '0';
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench: ${e.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
