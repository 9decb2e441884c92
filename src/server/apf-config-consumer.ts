// kube-apiserver's API Priority and Fairness configuration consumer, for its visible part: each FlowSchema's
// Dangling condition says whether the PriorityLevelConfiguration it names exists, written by server-side apply
// of the status as the consumer's field manager.
import { rfc3339 } from '../apimachinery/time.js';
import type { Client, GVR, KObject } from '../client/types.js';
import { InformerFactory } from '../controllers/runtime/informer-factory.js';

const FLOWSCHEMAS: GVR = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', resource: 'flowschemas', namespaced: false };
const LEVELS: GVR = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1', resource: 'prioritylevelconfigurations', namespaced: false };
const FIELD_MANAGER = 'api-priority-and-fairness-config-consumer-v1';

/** The Dangling condition a FlowSchema should carry (lastTransitionTime aside). */
export function danglingCondition(level: string, exists: boolean): { type: string; status: string; reason: string; message: string } {
  return exists
    ? { type: 'Dangling', status: 'False', reason: 'Found', message: `This FlowSchema references the PriorityLevelConfiguration object named "${level}" and it exists` }
    : { type: 'Dangling', status: 'True', reason: 'NotFound', message: `This FlowSchema references the PriorityLevelConfiguration object named "${level}" but there is no such object` };
}

export class APFConfigConsumer {
  private informers?: InformerFactory;
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    const f = (this.informers = new InformerFactory(this.client, this.onError));
    const changed = { add: () => this.schedule(), update: () => this.schedule(), delete: () => this.schedule() };
    f.informer(FLOWSCHEMAS).on(changed);
    f.informer(LEVELS).on(changed);
    f.start();
  }

  stop(): void {
    this.stopped = true;
    this.informers?.stop();
  }

  /** One pass over every FlowSchema for a burst of changes. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.sync().catch(this.onError);
    });
  }

  private async sync(): Promise<void> {
    const f = this.informers;
    if (!f || this.stopped) return;
    const levels = f.informer(LEVELS);
    for (const fs of f.informer(FLOWSCHEMAS).items()) {
      const level: string = fs.spec?.priorityLevelConfiguration?.name ?? '';
      const want = danglingCondition(level, levels.get(level) !== undefined);
      const have = ((fs.status?.conditions ?? []) as KObject[]).find((c) => c.type === 'Dangling');
      if (have && have.status === want.status && have.reason === want.reason && have.message === want.message) continue;
      const patch = { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: fs.metadata.name }, status: { conditions: [{ type: want.type, status: want.status, lastTransitionTime: rfc3339(), reason: want.reason, message: want.message }] } };
      try {
        await this.client.patch(FLOWSCHEMAS, '', fs.metadata.name, 'apply', patch, { subresource: 'status', fieldManager: FIELD_MANAGER, force: true });
      } catch (e) {
        // deleted meanwhile: its deletion is on its way
        if ((e as { code?: number }).code !== 404) this.onError(e);
      }
    }
  }
}
