// Start-up's allocation bursts would grow V8's young generation to its maximum (two 16 MiB semi-spaces), and
// optimizing its run-once code would only leave optimized code and compiler memory behind: pages an idle server
// then keeps resident. Imported first by the command line, this holds both back until start-up is over.
import { setFlagsFromString } from 'node:v8';

/** V8's default --semi-space-growth-factor. */
const DEFAULT_GROWTH_FACTOR = 2;

/** How often the controllers are checked for the end of their start-up work, and how long start-up may take at most. */
const IDLE_POLL_MS = 50;
const START_UP_MAX_MS = 2000;

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--no-opt');

/** Lets the young generation grow and hot code be optimized again, as V8 sees fit (a busy server does both as before). */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
  setFlagsFromString('--opt');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Releases once the controllers' start-up is over too (they sync after the server is ready): their lease tried,
 * their informers synced and their queues drained; START_UP_MAX_MS after the call at the latest.
 */
export async function releaseYoungGenerationAfter(started: Promise<unknown>, idle: () => boolean): Promise<void> {
  const deadline = performance.now() + START_UP_MAX_MS;
  await Promise.race([started, sleep(START_UP_MAX_MS)]);
  while (!idle() && performance.now() < deadline) await sleep(IDLE_POLL_MS);
  releaseYoungGeneration();
}
