// discovery.k8s.io/v1 endpointslices.
import { isIP } from 'node:net';
import { type FieldError, duplicate, invalid, notSupported, required, forbiddenField } from '../../apimachinery/errors.js';
import { defineResource } from '../define.js';
import type { KObject, ResourceDef } from '../types.js';
import { immutable, label, subdomain } from './common.js';
import { endpointSlicePrinter } from '../printers/misc.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

function defaultSlice(obj: KObject): void {
  if (obj.endpoints === undefined) obj.endpoints = null;
  if (obj.ports === undefined) obj.ports = null;
  for (const p of obj.ports ?? []) {
    if (!p) continue;
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

function validateSlice(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = obj.addressType;
  if (!type) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints: KObject[] = obj.endpoints ?? [];
  if (endpoints.length > 1000) errs.push({ type: 'FieldValueTooMany', field: 'endpoints', badValue: endpoints.length, detail: 'must have at most 1000 items' });
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs: unknown[] = ep?.addresses ?? [];
    if (addrs.length === 0) errs.push(required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push({ type: 'FieldValueTooMany', field: `${p}.addresses`, badValue: addrs.length, detail: 'must have at most 100 items' });
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      if (type === 'IPv4' && isIP(String(a)) !== 4) errs.push(invalid(ap, a, 'must be a valid IPv4 address'));
      else if (type === 'IPv6' && isIP(String(a)) !== 6) errs.push(invalid(ap, a, 'must be a valid IPv6 address'));
      else if (type === 'FQDN') subdomain(a, ap, errs);
    });
    if (ep?.hostname) label(ep.hostname, `${p}.hostname`, errs);
    if (ep?.nodeName) subdomain(ep.nodeName, `${p}.nodeName`, errs);
    if (ep?.targetRef && !ep.targetRef.kind && !ep.targetRef.name) errs.push(forbiddenField(`${p}.targetRef`, 'must specify kind or name'));
  });
  const names = new Set<string>();
  (obj.ports ?? []).forEach((port: KObject, i: number) => {
    const p = `ports[${i}]`;
    const name = port?.name ?? '';
    if (name) label(name, `${p}.name`, errs);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    names.add(name);
    if (port?.protocol && !['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
    if (port?.port !== undefined && port.port !== null && !(port.port >= 1 && port.port <= 65535)) errs.push(invalid(`${p}.port`, port.port, 'must be between 1 and 65535, inclusive'));
  });
  return errs;
}

export const endpointslices = defineResource({
  group: 'discovery.k8s.io',
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  printer: endpointSlicePrinter,
  generation: true,
  strategy: {
    prepareForCreate: defaultSlice,
    prepareForUpdate: defaultSlice,
    validate: validateSlice,
    validateUpdate(obj, old) {
      const errs = validateSlice(obj);
      immutable(obj.addressType, old.addressType, 'addressType', errs);
      return errs;
    },
  },
});

export const discoveryResources: ResourceDef[] = [endpointslices];
