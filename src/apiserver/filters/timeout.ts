import type { MiddlewareHandler } from 'hono';
import { StatusError } from '../../apimachinery/errors.js';
import type { Env } from '../env.js';
import { isLongRunning } from './long-running.js';

interface Pending {
  at: number;
  expire: () => void;
  prev?: Pending;
  next?: Pending;
}

/**
 * Requests under way in arrival order: with one timeout for all, that is deadline order, so one timer
 * (for the oldest) serves them all instead of a timer set and cleared per request.
 */
class Deadlines {
  private head?: Pending;
  private tail?: Pending;
  private timer?: NodeJS.Timeout;

  constructor(private readonly ms: number) {}

  add(expire: () => void): Pending {
    const p: Pending = { at: performance.now() + this.ms, expire, prev: this.tail };
    if (this.tail) this.tail.next = p;
    else this.head = p;
    this.tail = p;
    if (!this.timer) this.arm(p.at);
    return p;
  }

  remove(p: Pending): void {
    if (p.prev) p.prev.next = p.next;
    else if (this.head === p) this.head = p.next;
    else return;
    if (p.next) p.next.prev = p.prev;
    else this.tail = p.prev;
    p.prev = p.next = undefined;
  }

  private arm(at: number): void {
    // unref: a request under way keeps the process up through its socket; the timer alone must not
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(at - performance.now()))).unref();
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head && this.head.at <= now) {
      const p = this.head;
      this.remove(p);
      p.expire();
    }
    if (this.head) this.arm(this.head.at);
  }
}

/**
 * Requests that are not long-running get `ms` to complete (upstream's --request-timeout, 60 s by default),
 * slow uploads included; then 504 Timeout, and the connection is dropped if the answer had begun.
 */
export function withRequestTimeout(ms: number): MiddlewareHandler<Env> {
  const deadlines = new Deadlines(ms);
  return function requestTimeout(c, next) {
    if (ms <= 0 || isLongRunning(c.get('requestInfo'))) return next();
    return new Promise<void>((resolve, reject) => {
      const pending = deadlines.add(() => {
        const out = c.env?.outgoing;
        if (out?.headersSent) c.env.incoming.socket.destroy();
        // stop reading an upload that is still arriving
        else c.env?.incoming?.pause();
        reject(new StatusError(504, 'Timeout', 'Timeout: request did not complete within the allotted timeout', {}, { Connection: 'close' }));
      });
      let done: Promise<void>;
      try {
        done = next();
      } catch (err) {
        done = Promise.reject(err);
      }
      done.then(
        () => {
          deadlines.remove(pending);
          resolve();
        },
        (err: unknown) => {
          deadlines.remove(pending);
          reject(err);
        },
      );
    });
  };
}
