// A Backend that reports how long each storage request took, as kube-apiserver's etcd3 store feeds
// etcd_request_duration_seconds: the operation and whatever labels the caller derives from the key.
import type { Backend } from './backend.js';

export type StorageObserver = (operation: string, key: string, seconds: number, failed: boolean) => void;

const TIMED = new Set(['get', 'list', 'count', 'create', 'update', 'delete']);

/** The same backend, every get/list/count/create/update/delete timed (other methods pass through). */
export function instrumentBackend(backend: Backend, observe: StorageObserver): Backend {
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      if (typeof prop !== 'string' || !TIMED.has(prop)) return v.bind(target);
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
    },
  });
}
