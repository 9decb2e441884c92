// metadata.ownerReferences validation as apimachinery's ValidateOwnerReferences: coordinates present, no
// Event as owner, one controller at most; bad values printed as Go's %#v prints the structs.
import type { FieldError } from './errors.js';

interface Ref {
  apiVersion?: unknown;
  kind?: unknown;
  name?: unknown;
  uid?: unknown;
  controller?: unknown;
  blockOwnerDeletion?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** Go prints a set *bool as its address; any stable address will do. */
const boolPtr = (v: unknown) => (typeof v === 'boolean' ? '(*bool)(0xc000a4c1f8)' : '(*bool)(nil)');
const goRef = (r: Ref) =>
  `v1.OwnerReference{APIVersion:${JSON.stringify(str(r.apiVersion))}, Kind:${JSON.stringify(str(r.kind))}, Name:${JSON.stringify(str(r.name))}, UID:${JSON.stringify(str(r.uid))}, Controller:${boolPtr(r.controller)}, BlockOwnerDeletion:${boolPtr(r.blockOwnerDeletion)}}`;

/** schema.FromAPIVersionAndKind: an apiVersion that does not parse leaves group and version empty. */
function groupVersion(apiVersion: string): [group: string, version: string] {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return ['', apiVersion];
  if (parts.length === 2) return [parts[0]!, parts[1]!];
  return ['', ''];
}

const invalidGo = (field: string, goValue: string, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, omitValue: true, detail: `${goValue}: ${detail}` });

export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  if (!Array.isArray(refs)) return [];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const raw of refs) {
    const r: Ref = raw && typeof raw === 'object' ? raw : {};
    const [group, version] = groupVersion(str(r.apiVersion));
    const kind = str(r.kind);
    if (!version) errs.push({ type: 'FieldValueInvalid', field: `${path}.apiVersion`, badValue: str(r.apiVersion), detail: 'version must not be empty' });
    if (!kind) errs.push({ type: 'FieldValueInvalid', field: `${path}.kind`, badValue: kind, detail: 'kind must not be empty' });
    if (!str(r.name)) errs.push({ type: 'FieldValueInvalid', field: `${path}.name`, badValue: str(r.name), detail: 'name must not be empty' });
    if (!str(r.uid)) errs.push({ type: 'FieldValueInvalid', field: `${path}.uid`, badValue: str(r.uid), detail: 'uid must not be empty' });
    if (group === '' && version === 'v1' && kind === 'Event') errs.push(invalidGo(path, goRef(r), '/v1, Kind=Event is disallowed from being an owner'));
    if (r.controller === true) {
      const name = `${kind}/${str(r.name)}`;
      if (firstController) errs.push(invalidGo(path, `[]v1.OwnerReference{${refs.map((x) => goRef(x && typeof x === 'object' ? x : {})).join(', ')}}`, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`));
      else firstController = name;
    }
  }
  return errs;
}
