// kube-controller-manager's client builders for the in-process controllers: the root one (its own identity,
// system:kube-controller-manager) and, as --use-service-account-credentials, one service account per controller,
// got or created in kube-system; kube-scheduler and the simulated kubelet have credentials of their own.
import type { LoopbackTokens } from '../auth/authenticators.js';
import type { UserInfo } from '../auth/types.js';
import { HttpClient, type Transport } from '../client/http-client.js';
import type { Client, KObject } from '../client/types.js';
import { SERVICEACCOUNTS } from '../controllers/gvr.js';
import type { ControllerCredentials } from '../controllers/runtime/controller.js';
import { CONTROLLER_SA_NAMESPACE, KUBE_CONTROLLER_MANAGER_USER, controllerIdentity, serviceAccountUser, type ControllerIdentity } from '../controllers/runtime/identities.js';
import { VERSION } from './version.js';

/** client-go's default user agent (`<program>/<version> (<os>/<arch>) kubernetes/<commit>`), with rest.AddUserAgent's `/<name>`. */
export function userAgent(program: string, name?: string): string {
  const ua = `${program}/${VERSION.gitVersion} (linux/amd64) kubernetes/${VERSION.gitCommit.slice(0, 7)}`;
  return name ? `${ua}/${name}` : ua;
}

const is = (err: unknown, code: number) => (err as { code?: number } | undefined)?.code === code;

export class ControllerClients {
  private readonly tokens = new Map<string, string>();
  /** Service accounts being got or created: controllers sharing one (csrsigning and csrapproving) wait for the same request. */
  private readonly pending = new Map<string, Promise<KObject>>();
  private readonly rootClient: Client;

  constructor(
    private readonly transport: Transport,
    private readonly loopback: LoopbackTokens,
  ) {
    this.rootClient = this.root('kube-controller-manager');
  }

  /** kube-controller-manager's own identity (its kubeconfig's user), as rootClientBuilder.ClientOrDie(name). */
  root(name: string): Client {
    return this.client({ username: KUBE_CONTROLLER_MANAGER_USER, groups: ['system:authenticated'] }, userAgent('kube-controller-manager', name));
  }

  /** The credentials of a controller by its --controllers name; an unknown name is a programming error. */
  async forController(controller: string): Promise<ControllerCredentials> {
    const id = controllerIdentity(controller);
    if (!id) throw new Error(`controller ${JSON.stringify(controller)} has no identity in CONTROLLER_IDENTITIES`);
    return this.credentials(id);
  }

  private async credentials(id: ControllerIdentity): Promise<ControllerCredentials> {
    switch (id.kind) {
      case 'serviceAccount': {
        const sa = await this.serviceAccount(id.name);
        return { client: this.client(serviceAccountUser(id.name, sa.metadata.uid), userAgent('kube-controller-manager', id.name)) };
      }
      case 'controllerManager':
        return { client: this.root(id.name) };
      case 'user': {
        const c = this.client({ username: id.username, groups: id.groups }, userAgent(id.program, id.name));
        return { client: c, informerClient: c };
      }
      case 'privileged':
        return { client: this.client({ username: id.username, groups: ['system:masters', 'system:authenticated'] }, userAgent(id.program, id.name)) };
    }
  }

  /** The client builder's getOrCreateServiceAccount: kube-system/<name>, created when missing (racing creators re-read it). */
  private serviceAccount(name: string): Promise<KObject> {
    let p = this.pending.get(name);
    if (!p) {
      this.pending.set(name, (p = this.getOrCreate(name)));
      void p.finally(() => this.pending.delete(name)).catch(() => undefined);
    }
    return p;
  }

  private async getOrCreate(name: string): Promise<KObject> {
    try {
      return await this.rootClient.get(SERVICEACCOUNTS, CONTROLLER_SA_NAMESPACE, name);
    } catch (e) {
      if (!is(e, 404)) throw e;
    }
    try {
      return await this.rootClient.create(SERVICEACCOUNTS, CONTROLLER_SA_NAMESPACE, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: CONTROLLER_SA_NAMESPACE } });
    } catch (e) {
      if (!is(e, 409)) throw e;
      return this.rootClient.get(SERVICEACCOUNTS, CONTROLLER_SA_NAMESPACE, name);
    }
  }

  private client(user: UserInfo, ua: string): Client {
    const key = JSON.stringify(user);
    let token = this.tokens.get(key);
    if (!token) this.tokens.set(key, (token = this.loopback.mint(user)));
    return new HttpClient(this.transport, { Authorization: `Bearer ${token}`, 'User-Agent': ua });
  }
}
