#!/usr/bin/env node
// A quick look at the request path alone: create, get (16 and 64 connections) and LIST 10k against one
// minikapi, printing server CPU per request. A script that prints figures, never a test.
// Usage: node scripts/bench/http-quick.mjs [--only create,get,update,list,list10k,list10k-gzip] [--seconds 5] [--conns 16,64]
//        [--cpu-prof DIR]   (writes a V8 .cpuprofile of the server there when it stops)
//        [--bin OTHER/bin/minikapi]   (the same figures for another build, e.g. of main)
//        [--server-args '--controllers none']   (more arguments for minikapi up)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import {
  TOKEN, cleanup, tempDir, writeTokenFile, startMinikapi, stopMinikapi, client, ensureNamespace, createConfigMaps,
  ensureWrk, runWrk, cpuMs, median, fmtMs, fmtRate, request,
} from './lib.mjs';
import { writeWrkScripts } from './wrk-scripts.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'create,get,list10k' },
    seconds: { type: 'string', default: '5' },
    conns: { type: 'string', default: '16,64' },
    'cpu-prof': { type: 'string' },
    // another checkout's bin/minikapi (e.g. a build of main) to compare against, with the same load
    bin: { type: 'string' },
    // more arguments for `minikapi up`, e.g. --server-args='--controllers none'
    'server-args': { type: 'string', default: '' },
  },
});
const only = new Set(values.only.split(','));
const seconds = Number(values.seconds);
const conns = values.conns.split(',').map(Number);
const log = (m) => process.stderr.write(`… ${m}\n`);

try {
  ensureWrk(log);
  const work = tempDir('quick');
  const tokenFile = writeTokenFile(work);
  const lua = writeWrkScripts(join(work, 'lua'));
  const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
  const extraArgs = values['server-args'].split(' ').filter(Boolean);
  const A = await startMinikapi({ dataDir: join(work, 'a'), tokenFile, nodeArgs, bin: values.bin, extraArgs });
  const c = client(A);
  console.log(`load at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  try {
    for (const ns of ['bench', 'rw', 'small', 'list10k']) await ensureNamespace(c, ns);
    await createConfigMaps(c, 'rw', 'rw', 1000);
    await createConfigMaps(c, 'small', 's', 10);
    for (const n of conns) {
      for (const op of ['create', 'get', 'update', 'list']) {
        if (!only.has(op)) continue;
        const args = { create: [TOKEN, 'bench', `c${n}`, 0], get: [TOKEN, 'rw', 'rw', 1000], update: [TOKEN, 'rw', 'rw', 1000], list: [TOKEN, 'small'] }[op];
        const r = await runWrk({ url: A.url, script: lua[op], connections: n, seconds, args, serverPid: A.pid });
        console.log(`${op.padEnd(7)} ${String(n).padStart(3)} conns: ${fmtRate(r.rps).padStart(9)}  p50 ${fmtMs(r.p50)}  p99 ${fmtMs(r.p99)}  CPU/req ${r.cpuUsPerReq.toFixed(0)} µs  faults/req ${r.faultsPerReq.toFixed(2)}  non-2xx ${r.errors.status}`);
      }
    }
    if (only.has('list10k')) {
      await createConfigMaps(c, 'list10k', 'l', 10_000, 64);
      const wall = [];
      const cpu = [];
      for (let i = 0; i <= 5; i++) {
        const c0 = cpuMs(A.pid);
        const r = await c.raw('GET', '/api/v1/namespaces/list10k/configmaps');
        if (i === 0) continue; // warm-up
        wall.push(r.ms);
        cpu.push(cpuMs(A.pid) - c0);
      }
      console.log(`LIST 10k one request: ${fmtMs(median(wall))} (server CPU ${fmtMs(median(cpu))}), median of 5`);
    }
    if (only.has('list10k-gzip')) {
      if (!only.has('list10k')) await createConfigMaps(c, 'list10k', 'l', 10_000, 64);
      const wall = [];
      const cpu = [];
      let sizes = '';
      for (let i = 0; i <= 5; i++) {
        const c0 = cpuMs(A.pid);
        // as curl --compressed and client-go ask
        const r = await request({ url: `${A.url}/api/v1/namespaces/list10k/configmaps`, agent: c.agent, token: TOKEN, headers: { 'Accept-Encoding': 'gzip' } });
        if (r.headers['content-encoding'] !== 'gzip') throw new Error('LIST 10k came back uncompressed');
        sizes = `${(r.body.length / 1e6).toFixed(2)} MB compressed`;
        if (i === 0) continue; // warm-up
        wall.push(r.ms);
        cpu.push(cpuMs(A.pid) - c0);
      }
      console.log(`LIST 10k gzip'ed: ${fmtMs(median(wall))} (server CPU ${fmtMs(median(cpu))}, ${sizes}), median of 5`);
    }
  } finally {
    c.close();
    await stopMinikapi(A);
  }
} catch (e) {
  process.stderr.write(`http-quick: ${e.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
