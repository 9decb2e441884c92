// The ServiceAccount admission plugin's validating half: an account annotated kubernetes.io/enforce-mountable-secrets
// limits the secrets its pods may use (secret volumes, env and envFrom of init and regular containers, image pull
// secrets) to those it lists; ephemeral containers added later are held to the same rule. Upstream's texts.
import { forbidden } from '../../apimachinery/errors.js';
import type { AdmissionAttributes, KObject } from '../../registry/types.js';

export const ENFORCE_MOUNTABLE_SECRETS = 'kubernetes.io/enforce-mountable-secrets';

/** Go's strconv.ParseBool true values: anything else (false values, unparsable ones) leaves the check off. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** Pod creates, and updates of a pod's ephemeral containers. */
export function mountableSecretsHandles(a: AdmissionAttributes): boolean {
  if (a.def.group !== '' || a.def.resource !== 'pods') return false;
  return (a.operation === 'CREATE' && !a.subresource) || (a.operation === 'UPDATE' && a.subresource === 'ephemeralcontainers');
}

type LookUp = (namespace: string, name: string) => Promise<KObject | undefined>;

export async function validateMountableSecrets(a: AdmissionAttributes, pod: KObject, lookUp: LookUp): Promise<void> {
  // a mirror pod was checked (and refused any account) when it was admitted
  if (a.operation === 'CREATE' && pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
  const name: string = pod.metadata?.name ?? a.name;
  const refuse = (why: string) => forbidden({ group: '', resource: 'pods' }, name, why);
  const account: string = pod.spec?.serviceAccountName ?? '';
  if (!account) throw refuse(`no service account specified for pod ${a.namespace}/${name}`);
  const sa = await lookUp(a.namespace, account);
  if (!sa) throw refuse(`error looking up service account ${a.namespace}/${account}: serviceaccount "${account}" not found`);
  if (!GO_TRUE.has(sa.metadata?.annotations?.[ENFORCE_MOUNTABLE_SECRETS] ?? '')) return;
  const why = a.operation === 'CREATE' ? unlistedSecret(sa, pod) : unlistedInContainers(sa, pod.spec?.ephemeralContainers, 'ephemeral container');
  if (why) throw refuse(why);
}

const notReferenced = (sa: KObject) => `is not allowed because service account ${sa.metadata.name} does not reference that secret`;

function unlistedSecret(sa: KObject, pod: KObject): string | undefined {
  const mountable = new Set(((sa.secrets ?? []) as KObject[]).map((s) => s.name));
  for (const v of (pod.spec?.volumes ?? []) as KObject[]) {
    if (v.secret && !mountable.has(v.secret.secretName)) return `volume with secret.secretName="${v.secret.secretName ?? ''}" ${notReferenced(sa)}`;
  }
  const inContainers = unlistedInContainers(sa, pod.spec?.initContainers, 'init container') ?? unlistedInContainers(sa, pod.spec?.containers, 'container');
  if (inContainers) return inContainers;
  const pullable = new Set(((sa.imagePullSecrets ?? []) as KObject[]).map((s) => s.name));
  const pull = (pod.spec?.imagePullSecrets ?? []) as KObject[];
  for (let i = 0; i < pull.length; i++) {
    if (!pullable.has(pull[i]!.name)) return `imagePullSecrets[${i}].name="${pull[i]!.name ?? ''}" is not allowed because service account ${sa.metadata.name} does not reference that imagePullSecret`;
  }
  return undefined;
}

function unlistedInContainers(sa: KObject, containers: KObject[] | undefined, what: string): string | undefined {
  const mountable = new Set(((sa.secrets ?? []) as KObject[]).map((s) => s.name));
  for (const c of containers ?? []) {
    for (const e of (c.env ?? []) as KObject[]) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref && !mountable.has(ref.name)) return `${what} ${c.name} with envVar ${e.name} referencing secret.secretName="${ref.name ?? ''}" ${notReferenced(sa)}`;
    }
    for (const e of (c.envFrom ?? []) as KObject[]) {
      if (e.secretRef && !mountable.has(e.secretRef.name)) return `${what} ${c.name} with envFrom referencing secret.secretName="${e.secretRef.name ?? ''}" ${notReferenced(sa)}`;
    }
  }
  return undefined;
}
