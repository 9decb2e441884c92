#!/usr/bin/env node
// Start-up figures only (cold, warm, idle RSS): a quick check, the full set is scripts/bench.mjs.
// Usage: node scripts/startup.mjs [runs]   (needs a build: npm run build)
import { measureStartup, startupRows } from './bench/startup-figures.mjs';
import { loadavg } from 'node:os';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { printHeader, table, fmtMs, fmtMB, mark, cleanup } from './bench/lib.mjs';

const runs = Math.max(1, Math.min(50, Number(process.argv[2]) || 5));
// bin/minikapi starts from dist/bundle only while it was made from the last tsc build (scripts/bundle.mjs)
const dist = new URL('../dist/', import.meta.url);
const bundled = existsSync(new URL('bundle/built-from', dist)) && (() => {
  const s = statSync(new URL('.tsbuildinfo', dist));
  return readFileSync(new URL('bundle/built-from', dist), 'utf8').trim() === `${s.size} ${s.mtimeMs}`;
})();
if (!bundled) process.stderr.write('startup: dist/bundle is missing or older than the last tsc build, so these are the unbundled figures: run npm run build (tsc, then node scripts/bundle.mjs)\n');
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
try {
  const r = await measureStartup({ runs, log: (m) => process.stderr.write(`… ${m}\n`) });
  const list = (xs, f) => xs.map(f).join(', ');
  console.log(printHeader('minikapi start-up (node scripts/startup.mjs)', { load: `${load} (1/5/15 min load average at start)` }));
  console.log();
  console.log(table(['figure', 'value', 'target', ''], startupRows(r, { fmtMs, fmtMB, mark }, runs)));
  console.log();
  console.log(`runs: cold ${list(r.coldRuns, (x) => x.toFixed(0))} ms; warm ${list(r.warmRuns, (x) => x.toFixed(0))} ms; idle RSS ${list(r.idleRuns, (x) => x.toFixed(0))} MiB`);
} catch (e) {
  process.stderr.write(`startup: ${e.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
