#!/usr/bin/env node
// Start-up figures only (cold, warm, idle RSS): a quick check, the full set is scripts/bench.mjs.
// Usage: node scripts/startup.mjs [runs]   (needs a build: npx tsc -p .)
import { measureStartup, STARTUP_TARGETS as T } from './bench/startup-figures.mjs';
import { printHeader, table, fmtMs, fmtMB, mark, cleanup } from './bench/lib.mjs';

const runs = Math.max(1, Math.min(50, Number(process.argv[2]) || 5));
try {
  const r = await measureStartup({ runs, log: (m) => process.stderr.write(`… ${m}\n`) });
  const list = (xs, f) => xs.map(f).join(', ');
  console.log(printHeader('minikapi start-up'));
  console.log();
  console.log(
    table(
      ['figure', 'value', 'target', ''],
      [
        [`cold start to /readyz ok (median of ${runs})`, fmtMs(r.cold), `< ${T.cold} ms`, mark(r.cold < T.cold)],
        [`warm start to /readyz ok (median of ${runs})`, fmtMs(r.warm), `< ${T.warm} ms`, mark(r.warm < T.warm)],
        ['idle RSS 1 s after warm start', fmtMB(r.idleRss), `< ${T.idleRss} MiB`, mark(r.idleRss < T.idleRss)],
      ],
    ),
  );
  console.log();
  console.log(`runs: cold ${list(r.coldRuns, (x) => x.toFixed(0))} ms; warm ${list(r.warmRuns, (x) => x.toFixed(0))} ms; idle RSS ${list(r.idleRuns, (x) => x.toFixed(0))} MiB`);
} catch (e) {
  process.stderr.write(`startup: ${e.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
