import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import type { Env } from '../env.js';

type Result = Response | void | Promise<Response | void>;

/** What next() gives a filter when the rest of the chain finished synchronously: it is always a promise. */
const DONE: Promise<void> = Promise.resolve();

/**
 * The request filters as one middleware. Each filter sees what hono's compose would show it (an error
 * thrown further in arrives as the error handler's response in c.res; a returned Response becomes c.res),
 * but a filter that answers synchronously costs no promise of its own.
 */
export function chain(filters: MiddlewareHandler<Env>[], onError: ErrorHandler<Env>): MiddlewareHandler<Env> {
  const n = filters.length;
  return function requestFilters(c, next) {
    const run = (i: number): Result => {
      // hono's own dispatch of what follows answers its errors itself
      if (i === n) return next();
      let res: Result;
      try {
        res = filters[i]!(c, () => (run(i + 1) ?? DONE) as Promise<void>);
      } catch (err) {
        return failed(c, err, onError);
      }
      if (res instanceof Promise) return res.then((r) => settled(c, r), (err: unknown) => failed(c, err, onError));
      settled(c, res);
      return undefined;
    };
    return run(0) as Promise<void>;
  };
}

function settled(c: Context<Env>, res: Response | void): void {
  if (res && !c.finalized) c.res = res;
}

function failed(c: Context<Env>, err: unknown, onError: ErrorHandler<Env>): Result {
  if (!(err instanceof Error)) throw err;
  c.error = err;
  const res = onError(err, c);
  if (res instanceof Promise) return res.then((r) => void (c.res = r));
  c.res = res;
  return undefined;
}
