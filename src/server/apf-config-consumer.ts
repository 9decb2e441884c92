// kube-apiserver's API Priority and Fairness configuration consumer, for its visible part: requests are classified
// by the served FlowSchemas, and each FlowSchema's Dangling condition says whether the PriorityLevelConfiguration it
// names exists, written by server-side apply of the status as the consumer's field manager.
import { rfc3339 } from '../apimachinery/time.js';
import type { FlowClassifier } from '../apiserver/flowcontrol/classifier.js';
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
  /** Something changed since the last pass began. */
  private dirty = false;
  /** The passes under way (one at a time), until they run out of changes. */
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly onError: (err: unknown) => void,
    private readonly classifier?: FlowClassifier,
  ) {}

  /** Starts watching; resolves once the configuration is first in force (upstream's priority-and-fairness-filter hook). */
  start(): Promise<void> {
    const f = (this.informers = new InformerFactory(this.client, this.onError));
    const schemas = f.informer(FLOWSCHEMAS);
    const levels = f.informer(LEVELS);
    const onChange = () => {
      this.classifier?.configure(schemas.items(), levels.items());
      this.schedule();
    };
    const changed = { add: onChange, update: onChange, delete: onChange };
    schemas.on(changed);
    levels.on(changed);
    f.start();
    return f.waitForSync().then(() => this.classifier?.configure(schemas.items(), levels.items()));
  }

  /** Stops watching; resolves once a pass under way has ended (before storage closes under its writes). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.informers?.stop();
    await this.running;
  }

  /** One pass over every FlowSchema for a burst of changes, never two at once. */
  private schedule(): void {
    this.dirty = true;
    this.running ??= (async () => {
      await new Promise((r) => setImmediate(r));
      try {
        while (this.dirty && !this.stopped) {
          this.dirty = false;
          await this.sync();
        }
      } catch (e) {
        if (!this.stopped) this.onError(e);
      } finally {
        this.running = undefined;
      }
    })();
  }

  private async sync(): Promise<void> {
    const f = this.informers;
    if (!f || this.stopped) return;
    const levels = f.informer(LEVELS);
    for (const fs of f.informer(FLOWSCHEMAS).items()) {
      if (this.stopped) return;
      const level: string = fs.spec?.priorityLevelConfiguration?.name ?? '';
      const want = danglingCondition(level, levels.get(level) !== undefined);
      const have = ((fs.status?.conditions ?? []) as KObject[]).find((c) => c.type === 'Dangling');
      if (have && have.status === want.status && have.reason === want.reason && have.message === want.message) continue;
      const patch = { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: fs.metadata.name }, status: { conditions: [{ type: want.type, status: want.status, lastTransitionTime: rfc3339(), reason: want.reason, message: want.message }] } };
      try {
        await this.client.patch(FLOWSCHEMAS, '', fs.metadata.name, 'apply', patch, { subresource: 'status', fieldManager: FIELD_MANAGER, force: true });
      } catch (e) {
        // deleted meanwhile: its deletion is on its way
        if ((e as { code?: number }).code !== 404 && !this.stopped) this.onError(e);
      }
    }
  }
}
