// Start-up's allocation bursts would grow V8's young generation to its maximum (two 16 MiB semi-spaces), pages an
// idle server then keeps resident: imported first by the command line, this holds it at its initial size until released.
import { setFlagsFromString } from 'node:v8';

/** V8's default --semi-space-growth-factor. */
const DEFAULT_GROWTH_FACTOR = 2;

setFlagsFromString('--semi-space-growth-factor=1');

/** Lets the young generation grow again as V8 sees fit (a busy server grows it as before). */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}
