// root-ca-cert-publisher: every namespace has the kube-root-ca.crt ConfigMap holding the cluster CA.
import type { KObject } from '../client/types.js';
import { CONFIGMAPS, NAMESPACES } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const NAME = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCAPublisher extends QueueController {
  private namespaces!: Informer;
  private configMaps!: Informer;

  constructor() {
    super('root-ca-cert-publisher', 2);
  }

  protected register(): void {
    this.namespaces = this.ctx.informers.informer(NAMESPACES).on({ add: (ns) => this.queue.add(ns.metadata.name), update: (_, ns) => this.queue.add(ns.metadata.name) });
    const mine = (cm: KObject) => cm.metadata.name === NAME && this.queue.add(cm.metadata.namespace);
    // only the published ConfigMaps: holding every ConfigMap of the cluster would cost memory for nothing
    this.configMaps = this.ctx.informers.informer(CONFIGMAPS, { fieldSelector: `metadata.name=${NAME}` }).on({ update: (_, cm) => mine(cm), delete: mine });
  }

  protected async sync(ns: string): Promise<void> {
    const namespace = this.namespaces.get(ns);
    if (!namespace || namespace.metadata.deletionTimestamp) return;
    const cm = this.configMaps.get(`${ns}/${NAME}`);
    const data = { 'ca.crt': this.ctx.caCertPem };
    try {
      if (!cm) {
        await this.ctx.client.create(CONFIGMAPS, ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: NAME, annotations: { 'kubernetes.io/description': DESCRIPTION } }, data });
      } else if (cm.data?.['ca.crt'] !== this.ctx.caCertPem || Object.keys(cm.data ?? {}).length !== 1 || cm.metadata.annotations?.['kubernetes.io/description'] !== DESCRIPTION) {
        const fixed = structuredClone(cm);
        fixed.data = data;
        fixed.metadata.annotations = { ...(fixed.metadata.annotations ?? {}), 'kubernetes.io/description': DESCRIPTION };
        await this.ctx.client.update(CONFIGMAPS, ns, fixed);
      }
    } catch (e) {
      if (!isStatus(e, 409, 404, 403)) throw e;
      // a conflict means the cache is behind: look again shortly
      if (isStatus(e, 409)) this.queue.addRateLimited(ns);
    }
  }
}
