// hono's router, its answers kept per method and path: the routes never change once serving, and most
// requests repeat a path a client asked before (controllers, kubectl get -w, informers' relists).
import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

/** Paths remembered at most; past it the cache starts over (object names make paths unbounded). */
const MAX_PATHS = 2048;

export class CachedRouter<T> implements Router<T> {
  readonly name = 'CachedRouter';
  private readonly inner: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] });
  /** Per method, per path: no key string to build and hash per request. */
  private readonly cache = new Map<string, Map<string, Result<T>>>();
  private size = 0;

  add(method: string, path: string, handler: T): void {
    this.clear();
    this.inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    let paths = this.cache.get(method);
    let r = paths?.get(path);
    if (r) return r;
    r = this.inner.match(method, path);
    if (this.size >= MAX_PATHS) this.clear();
    if (!paths || !this.cache.has(method)) this.cache.set(method, (paths = new Map()));
    paths.set(path, r);
    this.size++;
    return r;
  }

  private clear(): void {
    this.cache.clear();
    this.size = 0;
  }
}
