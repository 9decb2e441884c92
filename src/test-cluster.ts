// The programmatic API test runners use: every call is its own cluster (a free port, memory storage and a
// private temporary data dir unless told otherwise), removed on stop() and when the process exits.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster as startServer, type Cluster as ServerCluster, type ClusterOptions } from './server/index.js';

export interface Cluster extends ServerCluster {
  /** The API server's URL (the same as `url`). */
  server: string;
}

const PREFIX = 'minikapi-run-';
const owned = new Set<string>();
let exitHook = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary data dirs left by processes that died without cleaning up (SIGKILL, a crashed runner). */
function sweepStale(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function removeOnExit(dir: string): void {
  owned.add(dir);
  if (exitHook) return;
  exitHook = true;
  // 'exit' runs for normal ends, process.exit() and uncaught exceptions alike
  process.once('exit', () => {
    for (const d of owned) rmSync(d, { recursive: true, force: true });
  });
}

/**
 * Starts an isolated cluster: `port` 0, `storage` 'memory' and a fresh temporary `dataDir` unless the
 * options say otherwise. `stop()` shuts it down and removes what it created.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  let tempDir: string | undefined;
  if (!opts.dataDir) {
    sweepStale();
    tempDir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    removeOnExit(tempDir);
  }
  let server: ServerCluster;
  try {
    server = await startServer({ port: 0, storage: 'memory', ...opts, dataDir: opts.dataDir ?? tempDir });
  } catch (e) {
    if (tempDir) {
      rmSync(tempDir, { recursive: true, force: true });
      owned.delete(tempDir);
    }
    throw e;
  }
  const stop = server.stop;
  return Object.assign(server, {
    server: server.url,
    async stop() {
      await stop();
      if (tempDir) {
        rmSync(tempDir, { recursive: true, force: true });
        owned.delete(tempDir);
      }
    },
  });
}
