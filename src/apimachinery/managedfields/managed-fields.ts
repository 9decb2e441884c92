// metadata.managedFields entries ↔ manager identifiers with owned field sets and times.
import { FieldSet } from './field-set.js';
import type { ManagedFields } from './updater.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface Managed {
  fields: ManagedFields;
  times: Map<string, string | undefined>;
}

export function emptyManaged(): Managed {
  return { fields: new Map(), times: new Map() };
}

/** The identity of an entry: manager, operation, apiVersion (not for appliers) and subresource, as JSON. */
export function managerIdentifier(e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string }): string {
  // the JSON.stringify of an object holding the fields set, written out directly
  let id = '';
  if (e.manager) id += `,"manager":${JSON.stringify(e.manager)}`;
  if (e.operation) id += `,"operation":${JSON.stringify(e.operation)}`;
  if (e.apiVersion && e.operation !== 'Apply') id += `,"apiVersion":${JSON.stringify(e.apiVersion)}`;
  if (e.subresource) id += `,"subresource":${JSON.stringify(e.subresource)}`;
  return `{${id.slice(1)}}`;
}

type Identifier = Readonly<{ manager?: string; operation?: string; apiVersion?: string; subresource?: string }>;

// the same few managers write again and again: their identifiers are parsed once (a bounded number kept)
const parsedIdentifiers = new Map<string, Identifier>();

export function parseIdentifier(id: string): Identifier {
  let info = parsedIdentifiers.get(id);
  if (info) return info;
  try {
    info = JSON.parse(id) as Record<string, string>;
  } catch {
    info = { manager: id };
  }
  if (parsedIdentifiers.size >= 256) parsedIdentifiers.clear();
  if (id.length <= 512) parsedIdentifiers.set(id, info);
  return info;
}

export function decodeManagedFields(entries: unknown): Managed {
  const m = emptyManaged();
  if (entries === undefined || entries === null) return m;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw, i) => {
    const e = (raw ?? {}) as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const id = managerIdentifier(e);
    m.fields.set(id, { set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}), apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    m.times.set(id, e.time);
  });
  return m;
}

function unix(t: string | undefined): number {
  return t ? Math.floor(Date.parse(t) / 1000) : 0;
}

const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function encodeManagedFields(m: Managed): ManagedFieldsEntry[] | undefined {
  if (m.fields.size === 0) return undefined;
  const out: ManagedFieldsEntry[] = [];
  for (const [id, vs] of m.fields) {
    const info = parseIdentifier(id);
    const e: ManagedFieldsEntry = {};
    if (info.manager) e.manager = info.manager;
    e.operation = vs.applied ? 'Apply' : info.operation || 'Update';
    e.apiVersion = vs.apiVersion;
    const t = m.times.get(id);
    if (t) e.time = t;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    out.push(e);
  }
  return out.sort(
    (p, q) =>
      str(p.operation ?? '', q.operation ?? '') ||
      unix(p.time) - unix(q.time) ||
      str(p.manager ?? '', q.manager ?? '') ||
      str(p.apiVersion ?? '', q.apiVersion ?? '') ||
      str(p.subresource ?? '', q.subresource ?? ''),
  );
}

/** `"kubectl" using apps/v1`, `"x" with subresource "status"` — how conflicts name a manager. */
export function printManager(id: string): string {
  const e = parseIdentifier(id);
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion ?? ''}`;
  return s;
}

const MAX_UPDATE_MANAGERS = 10;

/** Merges the oldest update entries into `ancient-changes` buckets so at most ten remain. */
export function capUpdateManagers(m: Managed): void {
  const updaters = [...m.fields].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort((a, b) => unix(m.times.get(a)) - unix(m.times.get(b)) || str(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i];
    const vs = m.fields.get(id)!;
    const time = m.times.get(id);
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!m.fields.has(bucket)) {
      const s = m.fields.get(first)!;
      m.fields.delete(first);
      m.fields.set(bucket, s);
    }
    m.fields.set(bucket, { set: vs.set.union(m.fields.get(bucket)!.set), apiVersion: vs.apiVersion, applied: vs.applied });
    m.fields.delete(id);
    length--;
    m.times.set(bucket, time);
  }
}
