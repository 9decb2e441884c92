// Start-up's allocation bursts would grow V8's young generation to its maximum (two 16 MiB semi-spaces), pages an
// idle server then keeps resident: imported first by the command line, this holds it at its initial size until released.
import { setFlagsFromString } from 'node:v8';

/** V8's default --semi-space-growth-factor. */
const DEFAULT_GROWTH_FACTOR = 2;

/** How often, and for how long at most, the controllers are checked for the end of their start-up work. */
const IDLE_POLL_MS = 50;
const IDLE_WAIT_MS = 3000;

setFlagsFromString('--semi-space-growth-factor=1');

/** Lets the young generation grow again as V8 sees fit (a busy server grows it as before). */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}

/**
 * Releases the young generation once the controllers' start-up is over too (they sync after the server is ready):
 * their lease tried, their informers synced and their queues drained, or IDLE_WAIT_MS after that at the latest.
 */
export async function releaseYoungGenerationAfter(started: Promise<unknown>, idle: () => boolean): Promise<void> {
  await started;
  const deadline = performance.now() + IDLE_WAIT_MS;
  while (!idle() && performance.now() < deadline) await new Promise((r) => setTimeout(r, IDLE_POLL_MS).unref());
  releaseYoungGeneration();
}
