import { col, docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, humanDuration, intOrString, listWithMore, num, obj, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);

export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const min = spec.minAvailable != null ? intOrString(spec.minAvailable) : 'N/A';
    const max = spec.maxUnavailable != null ? intOrString(spec.maxUnavailable) : 'N/A';
    return { cells: [name(o), min, max, num(obj(o?.status).disruptionsAllowed), age(o, now)] };
  },
};

export const priorityClassPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Value', 'integer', 'PriorityClass.value'),
    docCol('Global-Default', 'boolean', 'PriorityClass.globalDefault'),
    ageColumn(),
    // upstream leaves this column at priority 0 even though it only fills it for wide output
    docCol('PreemptionPolicy', 'string', 'PriorityClass.preemptionPolicy'),
  ],
  row: (o, now) => ({ cells: [name(o), num(o?.value), o?.globalDefault === true, age(o, now), str(o?.preemptionPolicy)] }),
};

export const runtimeClassPrinter: TablePrinter = {
  // upstream looks the Handler description up in ObjectMeta's docs, which have no such key
  columns: [nameColumn(), col('Handler', 'string', ''), ageColumn()],
  row: (o, now) => ({ cells: [name(o), str(o?.handler), age(o, now)] }),
};

export const leasePrinter: TablePrinter = {
  columns: [nameColumn(), docCol('Holder', 'string', 'LeaseSpec.holderIdentity'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), str(obj(o?.spec).holderIdentity), age(o, now)] }),
};

function csrCondition(o: any): string {
  const status = obj(o?.status);
  let approved = false;
  let denied = false;
  let failed = false;
  for (const c of arr(status.conditions)) {
    if (c?.type === 'Approved') approved = true;
    else if (c?.type === 'Denied') denied = true;
    else if (c?.type === 'Failed') failed = true;
  }
  let out = denied ? 'Denied' : approved ? 'Approved' : 'Pending';
  if (failed) out += ',Failed';
  if (str(status.certificate).length > 0) out += ',Issued';
  return out;
}

export const certificateSigningRequestPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    ageColumn(),
    docCol('SignerName', 'string', 'CertificateSigningRequestSpec.signerName'),
    docCol('Requestor', 'string', 'CertificateSigningRequestSpec.request'),
    docCol('RequestedDuration', 'string', 'CertificateSigningRequestSpec.expirationSeconds'),
    docCol('Condition', 'string', 'CertificateSigningRequestStatus.conditions'),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const duration = typeof spec.expirationSeconds === 'number' ? humanDuration(spec.expirationSeconds * 1000) : '<none>';
    return { cells: [name(o), age(o, now), str(spec.signerName) || '<none>', str(spec.username), duration, csrCondition(o)] };
  },
};

function slicePorts(ports: unknown): string {
  const all = arr(ports);
  const max = 3;
  const list = all.slice(0, max).map((p) => (typeof p?.port === 'number' ? String(p.port) : typeof p?.name === 'string' ? p.name : '*'));
  return listWithMore(list, all.length > max, all.length, max);
}

function sliceEndpoints(endpoints: unknown): string {
  const all = arr(endpoints).flatMap((e) => arr(e?.addresses).map(str));
  const max = 3;
  return listWithMore(all.slice(0, max), all.length > max, all.length, max);
}

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('AddressType', 'string', 'EndpointSlice.addressType'),
    docCol('Ports', 'string', 'EndpointSlice.ports'),
    docCol('Endpoints', 'string', 'EndpointSlice.endpoints'),
    ageColumn(),
  ],
  row: (o, now) => ({ cells: [name(o), str(o?.addressType), slicePorts(o?.ports), sliceEndpoints(o?.endpoints), age(o, now)] }),
};

export const apiServicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Service', 'string', 'The reference to the service that hosts this API endpoint.'),
    col('Available', 'string', 'Whether this service is available.'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const service = spec.service != null ? `${str(spec.service.namespace)}/${str(spec.service.name)}` : 'Local';
    let available = 'Unknown';
    const c = arr(obj(o?.status).conditions).find((x) => x?.type === 'Available');
    if (c) {
      if (c.status === 'True') available = 'True';
      else if (str(c.reason)) available = `${str(c.status)} (${str(c.reason)})`;
      else available = str(c.status);
    }
    return { cells: [name(o), service, available, age(o, now)] };
  },
};
