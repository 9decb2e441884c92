#!/usr/bin/env node
// Server CPU per request of two builds under the same load, measured in alternating short rounds so that
// the noise of a shared machine falls on both alike. A script that prints figures, never a test.
// Usage: node scripts/bench/ab.mjs --bin OTHER/bin/minikapi [--only create,get,update,list,list10k] [--rounds 6] [--seconds 2]
//        [--conns 16] [--server-args '--controllers none']
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TOKEN, cleanup, tempDir, writeTokenFile, startMinikapi, stopMinikapi, client, ensureNamespace, createConfigMaps, ensureWrk, runWrk, median, cpuMs, minorFaults } from './lib.mjs';
import { writeWrkScripts } from './wrk-scripts.mjs';

const { values } = parseArgs({
  options: {
    bin: { type: 'string' },
    only: { type: 'string', default: 'create,get,update' },
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '2' },
    conns: { type: 'string', default: '16' },
    'server-args': { type: 'string', default: '' },
  },
});
if (!values.bin) throw new Error('--bin OTHER/bin/minikapi is required');
/** LISTs of 10k per server and round (one round's CPU figure is their mean; /proc counts in 10 ms ticks). */
const LISTS_PER_ROUND = 4;
const log = (m) => process.stderr.write(`… ${m}\n`);
try {
  ensureWrk(log);
  const work = tempDir('ab');
  const tokenFile = writeTokenFile(work);
  const lua = writeWrkScripts(join(work, 'lua'));
  const extraArgs = values['server-args'].split(' ').filter(Boolean);
  const servers = { A: await startMinikapi({ dataDir: join(work, 'a'), tokenFile, extraArgs }), B: await startMinikapi({ dataDir: join(work, 'b'), tokenFile, extraArgs, bin: values.bin }) };
  const figures = {};
  try {
    for (const s of Object.values(servers)) {
      const c = client(s);
      for (const ns of ['bench', 'rw']) await ensureNamespace(c, ns);
      await createConfigMaps(c, 'rw', 'rw', 1000);
      if (values.only.split(',').includes('list')) {
        await ensureNamespace(c, 'small');
        await createConfigMaps(c, 'small', 's', 10);
      }
      if (values.only.split(',').includes('list10k')) {
        await ensureNamespace(c, 'list10k');
        await createConfigMaps(c, 'list10k', 'l', 10_000, 64);
        // the first LIST after the creates is a warm-up
        await c.raw('GET', '/api/v1/namespaces/list10k/configmaps');
      }
      s.client = c;
    }
    const n = Number(values.conns);
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const op of values.only.split(',')) {
        // A then B on even rounds, B then A on odd ones
        for (const name of round % 2 ? ['B', 'A'] : ['A', 'B']) {
          const s = servers[name];
          if (op === 'list10k') {
            const f = (figures[op] ??= { A: [], B: [], wallA: [], wallB: [], faultsA: [], faultsB: [] });
            const cpu0 = cpuMs(s.pid);
            const faults0 = minorFaults(s.pid);
            for (let i = 0; i < LISTS_PER_ROUND; i++) f[`wall${name}`].push((await s.client.raw('GET', '/api/v1/namespaces/list10k/configmaps')).ms);
            // CPU in µs per LIST, as the other figures
            f[name].push(((cpuMs(s.pid) - cpu0) * 1000) / LISTS_PER_ROUND);
            f[`faults${name}`].push((minorFaults(s.pid) - faults0) / LISTS_PER_ROUND);
            continue;
          }
          const args = { create: [TOKEN, 'bench', `c${round}`, 0], get: [TOKEN, 'rw', 'rw', 1000], update: [TOKEN, 'rw', 'rw', 1000], list: [TOKEN, 'small'] }[op];
          const r = await runWrk({ url: s.url, script: lua[op], connections: n, seconds: Number(values.seconds), args, serverPid: s.pid });
          ((figures[op] ??= { A: [], B: [] })[name]).push(r.cpuUsPerReq);
        }
      }
    }
  } finally {
    for (const s of Object.values(servers)) {
      s.client?.close();
      await stopMinikapi(s);
    }
  }
  for (const [op, f] of Object.entries(figures)) {
    const fmt = (xs) => `median ${median(xs).toFixed(0)} µs (${xs.map((x) => x.toFixed(0)).join(' ')})`;
    console.log(`${op.padEnd(7)} A (this build) ${fmt(f.A)}\n${''.padEnd(7)} B (${values.bin}) ${fmt(f.B)}`);
    if (f.wallA) for (const name of ['A', 'B']) console.log(`${op.padEnd(7)} ${name}: LIST to last byte median ${median(f[`wall${name}`]).toFixed(0)} ms of ${f[`wall${name}`].length}, faults per LIST median ${median(f[`faults${name}`]).toFixed(0)}`);
  }
} catch (e) {
  process.stderr.write(`ab: ${e.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
