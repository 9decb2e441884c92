// ControllerRevisions as kube-controller-manager's history package makes them: the revision data is the
// strategic-merge patch `{"spec":{"template":{..., "$patch":"replace"}}}` in Go's json.Marshal bytes (keys
// sorted), hashed with FNV-32 (not 32a) plus the collision count, and named `<parent>-<hash>`.
import type { KObject } from '../client/types.js';
import { safeEncodeString } from './pod-template-hash.js';

/** The label the history package puts on every revision it creates. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** encoding/json's Marshal of a decoded JSON value: map keys sorted bytewise, HTML characters escaped. */
export function goJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v as object).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${goJSON(k)}:${goJSON((v as KObject)[k])}`).join(',')}}`;
  }
  if (typeof v === 'string') return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c]!);
  return JSON.stringify(v);
}

/** FNV-1 32-bit (hash/fnv New32), which HashControllerRevision uses. */
export function fnv32(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of data) h = (Math.imul(h, 0x01000193) ^ b) >>> 0;
  return h >>> 0;
}

/** The revision data for a StatefulSet or DaemonSet: its template, replacing the whole template when applied. */
export function revisionData(parent: KObject): KObject {
  return { spec: { template: { ...structuredClone(parent.spec?.template ?? {}), $patch: 'replace' } } };
}

/** history.HashControllerRevision: FNV-32 of the data bytes, then the collision count in decimal. */
export function hashRevisionData(data: KObject, collisionCount?: number): string {
  let h = fnv32(Buffer.from(goJSON(data), 'utf8'));
  if (collisionCount !== undefined) h = fnv32(Buffer.from(String(collisionCount)), h);
  return safeEncodeString(String(h));
}

/** history.ControllerRevisionName: the parent's name cut to 223 characters, a dash, the hash. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** Two revisions hold the same template (history.EqualRevision compares the data bytes). */
export function equalRevisionData(a: KObject | undefined, b: KObject | undefined): boolean {
  return goJSON(a ?? null) === goJSON(b ?? null);
}

export const byRevision = (a: KObject, b: KObject) => (a.revision ?? 0) - (b.revision ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1);

export function nextRevision(sorted: KObject[]): number {
  return sorted.length ? (sorted[sorted.length - 1]!.revision ?? 0) + 1 : 1;
}

/** metav1.NewControllerRef for an apps/v1 parent. */
export function controllerRefTo(parent: KObject, kind: string): KObject {
  return { apiVersion: 'apps/v1', kind, name: parent.metadata.name, uid: parent.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** The parent's template as a ControllerRevision restores it (history ApplyRevision with the data patch). */
export function templateOf(revision: KObject | undefined, fallback: KObject): KObject {
  const t = revision?.data?.spec?.template;
  if (!t) return fallback;
  const { $patch: _, ...rest } = t;
  return rest;
}
