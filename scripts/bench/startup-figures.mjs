// Cold start, warm start and idle RSS of `node bin/minikapi up` (shared by bench.mjs and startup.mjs).
import { join } from 'node:path';
import { startMinikapi, stopMinikapi, tempDir, removeDir, rssMB, median, sleep } from './lib.mjs';

/**
 * Alternates a cold start (fresh data dir: CA, keys and database created) and a warm start
 * (the same dir again), `runs` times each; idle RSS is sampled `settleMs` after each warm start.
 */
export async function measureStartup({ runs = 5, settleMs = 1000, log = () => {} } = {}) {
  const cold = [];
  const warm = [];
  const idle = [];
  for (let i = 0; i < runs; i++) {
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
      // idle: nothing talks to it; let start-up garbage settle before reading VmRSS
      await sleep(settleMs);
      idle.push(rssMB(s.pid));
      await stopMinikapi(s);
    } finally {
      removeDir(root);
    }
  }
  return { cold: median(cold), warm: median(warm), idleRss: median(idle), coldRuns: cold, warmRuns: warm, idleRuns: idle };
}

export const STARTUP_TARGETS = { cold: 1000, warm: 300, idleRss: 80 };
