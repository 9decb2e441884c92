// One etcd watch over the whole keyspace from a start revision, delivering events grouped by revision.
// Watching everything means every revision arrives as an event, so the position is exact.
import type { Etcd3, IEvent, IWatchResponse, Watcher } from 'etcd3';

export interface RevisionGroup {
  revision: number;
  events: IEvent[];
}

export interface NativeWatchHandlers {
  /** Events in revision order; progress is set by a progress notification (everything up to it was sent). */
  onBatch(groups: RevisionGroup[], progress?: number): void;
  /** The watch ended on etcd's side (compacted, canceled); it is not resumed. */
  onFail(err: Error): void;
}

function groupsOf(events: IEvent[]): RevisionGroup[] {
  const groups: RevisionGroup[] = [];
  for (const ev of events) {
    const revision = Number(ev.kv.mod_revision);
    const last = groups.at(-1);
    if (last && last.revision === revision) last.events.push(ev);
    else groups.push({ revision, events: [ev] });
  }
  return groups;
}

export class NativeWatch {
  /** Every event up to this revision has been handed to onBatch. */
  position: number;
  /** Settles once etcd has created the watch (rejects if it failed first). */
  readonly created: Promise<void>;
  private readonly watcher: Watcher;
  private cancelled = false;

  constructor(client: Etcd3, start: number, handlers: NativeWatchHandlers) {
    this.position = start - 1;
    const w = client.watch().prefix('').withPreviousKV().startRevision(String(start)).watcher();
    this.watcher = w;
    this.created = new Promise((resolve, reject) => {
      w.once('connected', () => resolve());
      w.once('error', reject);
    });
    this.created.catch(() => {
      // onFail reports it
    });
    // the client resumes from the header revision, which runs ahead of the events while catching up
    const resumeHere = () => ((w.request as { start_revision?: string }).start_revision = String(this.position + 1));
    w.on('data', (res: IWatchResponse) => {
      if (this.cancelled) return;
      const groups = groupsOf(res.events ?? []);
      let progress: number | undefined;
      if (groups.length) this.position = Math.max(this.position, groups.at(-1)!.revision);
      else if (!res.created && !res.canceled) {
        progress = Number(res.header.revision);
        this.position = Math.max(this.position, progress);
      }
      resumeHere();
      handlers.onBatch(groups, progress);
    });
    w.on('disconnected', resumeHere);
    w.on('error', (err: Error) => {
      if (this.cancelled) return;
      this.cancelled = true;
      handlers.onFail(err);
    });
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.watcher.cancel().catch(() => {
      // the client is closing or the stream is gone: nothing left to cancel
    });
  }
}
