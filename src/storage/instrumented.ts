// A Backend that reports how long each storage request took, as kube-apiserver's etcd3 store feeds
// etcd_request_duration_seconds: the operation and whatever labels the caller derives from the key.
import type { Backend } from './backend.js';

export type StorageObserver = (operation: string, key: string, seconds: number, failed: boolean) => void;

const TIMED = new Set(['get', 'list', 'count', 'create', 'update', 'delete']);

/** The same backend, every get/list/count/create/update/delete timed (other methods pass through). */
export function instrumentBackend(backend: Backend, observe: StorageObserver): Backend {
  // the wrapped methods are made once: the watch cache calls some of them on every read
  const made = new Map<PropertyKey, unknown>();
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const known = made.get(prop);
      if (known) return known;
      const fn = typeof prop !== 'string' || !TIMED.has(prop) ? v.bind(target) : timed(target, prop, v, observe);
      made.set(prop, fn);
      return fn;
    },
  });
}

/** One backend method, its duration reported whether it succeeds or fails. */
function timed(target: Backend, prop: string, v: (...args: unknown[]) => Promise<unknown>, observe: StorageObserver) {
  return async (key: string, ...rest: unknown[]) => {
    const start = performance.now();
    try {
      const out = await v.call(target, key, ...rest);
      observe(prop, key, (performance.now() - start) / 1000, false);
      return out;
    } catch (e) {
      observe(prop, key, (performance.now() - start) / 1000, true);
      throw e;
    }
  };
}
