// A watch answered in-process: the API server's watch handler hands each event's JSON straight to the client
// that asked (through the loopback transport's env), instead of through bytes, a web stream and a decoder.
// Events still arrive in order and a microtask later, as a stream's reads would deliver them.

/** What the watch handler writes to when the request carries one; the response then has no body. */
export interface WatchLineSink {
  /** Taken by the watch handler: the events come here, not in the response body. */
  attach(): void;
  /** One event: its type and the JSON of its object. */
  event(type: string, objectJSON: string): void;
  /** The watch ended (timeout, shutdown, error event sent): queued events are still delivered. */
  end(): void;
  /** The reader fell too far behind: the watch fails, queued events are dropped. */
  abort(): void;
  /** Characters written and not yet taken by the client. */
  buffered(): number;
  /** Called when the client stops the watch. */
  onClose(cb: () => void): void;
}

/** What the loopback transport passes as the app's env (hono's `app.fetch(req, env)`). */
export interface TransportEnv {
  watchLines?: WatchLineSink;
}

export class WatchLines implements WatchLineSink {
  attached = false;
  /** Resolves once the watch is over: ended and drained, aborted, or cancelled by the client. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  /** Types and object JSON, alternating. */
  private queue: string[] = [];
  private pending = 0;
  private started = false;
  private scheduled = false;
  private ended = false;
  private closed = false;
  private readonly closers: (() => void)[] = [];

  constructor(private readonly onEvent: (type: string, objectJSON: string) => void) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  attach(): void {
    this.attached = true;
  }

  event(type: string, objectJSON: string): void {
    if (this.ended || this.closed) return;
    this.queue.push(type, objectJSON);
    this.pending += objectJSON.length;
    this.schedule();
  }

  end(): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.schedule();
  }

  abort(): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.finish();
  }

  buffered(): number {
    return this.pending;
  }

  onClose(cb: () => void): void {
    if (this.closed) cb();
    else this.closers.push(cb);
  }

  /** The client has the response: events flow from now on. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  /** The client stops the watch: nothing more is delivered, and the handler is told. */
  cancel(): void {
    if (this.closed) return;
    const wasEnded = this.ended;
    this.finish();
    if (wasEnded) return;
    for (const cb of this.closers.splice(0)) cb();
  }

  private schedule(): void {
    if (this.scheduled || !this.started || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const q = this.queue;
    this.queue = [];
    this.pending = 0;
    try {
      for (let i = 0; i < q.length && !this.closed; i += 2) this.onEvent(q[i]!, q[i + 1]!);
    } catch {
      // an event the client cannot take (not JSON) ends the watch, as a failed read of a stream does
      this.cancel();
      return;
    }
    if (this.ended && !this.closed && this.queue.length === 0) this.finish();
  }

  private finish(): void {
    this.closed = true;
    this.queue = [];
    this.pending = 0;
    this.resolveDone();
  }
}
