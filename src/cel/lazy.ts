// The CEL compiler and evaluator (some 40 modules) load on first need: a cluster whose CRDs, policies and
// webhooks use no CEL never loads them. Asynchronous entry points await loadCel(); synchronous code behind them calls cel().
import type * as Library from './library.js';

export type CelLibrary = typeof Library;

let loaded: CelLibrary | undefined;
let loading: Promise<CelLibrary> | undefined;

/** Loads the library once; resolves at once when it is loaded. */
export function loadCel(): Promise<CelLibrary> {
  return (loading ??= import('./library.js').then((m) => (loaded = m)));
}

/** The loaded library; calling it before loadCel() resolved is a programming error. */
export function cel(): CelLibrary {
  if (!loaded) throw new Error('the CEL library was used before loadCel() resolved');
  return loaded;
}

/** Whether an object (a CRD, its spec or a schema) holds x-kubernetes-validations anywhere: only then are its rules compiled. */
export function hasValidationRules(o: unknown): boolean {
  return o !== undefined && JSON.stringify(o).includes('"x-kubernetes-validations"');
}

/** Whether the library has been loaded (start-up checks). */
export function celLoaded(): boolean {
  return loaded !== undefined;
}
