// Cold start, warm start and idle RSS of `node bin/minikapi up` (shared by bench.mjs and startup.mjs).
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startMinikapi, stopMinikapi, tempDir, removeDir, rssMB, median, sleep } from './lib.mjs';

/** Spawn-to-exit time of `node -e 0`: the part of every start that is node itself. */
async function nodeBaseline() {
  const t0 = performance.now();
  await new Promise((resolve, reject) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('exit', resolve).on('error', reject));
  return performance.now() - t0;
}

/** Rows for the figures table: [figure, value, target, mark]. */
export function startupRows(s, { fmtMs, fmtMB, mark }, runs) {
  const T = STARTUP_TARGETS;
  return [
    [`cold start to /readyz ok (fresh data dir, new CA), median of ${runs}`, fmtMs(s.cold), `< ${T.cold} ms`, mark(s.cold < T.cold)],
    [`warm start to /readyz ok (existing data dir), median of ${runs}`, fmtMs(s.warm), `< ${T.warm} ms`, mark(s.warm < T.warm)],
    ['  of which: startCluster() (as printed by minikapi up)', fmtMs(s.warmCluster), '', ''],
    ['  of which: until the ready line (node, module loading, start-up)', fmtMs(s.warmProcessUp), '', ''],
    ['  for reference: `node -e 0`, spawn to exit', fmtMs(s.node), '', ''],
    ['idle RSS, 1 s after a warm start', fmtMB(s.idleRss), `< ${T.idleRss} MiB`, mark(s.idleRss < T.idleRss)],
  ];
}

/**
 * Alternates a cold start (fresh data dir: CA, keys and database created) and a warm start
 * (the same dir again), `runs` times each; idle RSS is sampled `settleMs` after each warm start.
 */
export async function measureStartup({ runs = 5, settleMs = 1000, log = () => {} } = {}) {
  const cold = [];
  const warm = [];
  const idle = [];
  const warmCluster = [];
  const warmProcessUp = [];
  const node = [];
  for (let i = 0; i < runs; i++) {
    node.push(await nodeBaseline());
    const root = tempDir('startup');
    const dataDir = join(root, 'data');
    try {
      log(`start-up run ${i + 1}/${runs}: cold`);
      let s = await startMinikapi({ dataDir });
      cold.push(s.readyMs);
      await stopMinikapi(s);
      log(`start-up run ${i + 1}/${runs}: warm`);
      s = await startMinikapi({ dataDir });
      warm.push(s.readyMs);
      warmCluster.push(s.startClusterMs);
      warmProcessUp.push(s.processUpMs);
      // idle: nothing talks to it; let start-up garbage settle before reading VmRSS
      await sleep(settleMs);
      idle.push(rssMB(s.pid));
      await stopMinikapi(s);
    } finally {
      removeDir(root);
    }
  }
  return {
    cold: median(cold),
    warm: median(warm),
    idleRss: median(idle),
    node: median(node),
    warmProcessUp: median(warmProcessUp),
    warmCluster: median(warmCluster),
    coldRuns: cold,
    warmRuns: warm,
    idleRuns: idle,
  };
}

export const STARTUP_TARGETS = { cold: 1000, warm: 300, idleRss: 80 };
