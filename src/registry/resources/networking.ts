// networking.k8s.io/v1 ingressclasses, ingresses, ipaddresses, networkpolicies, servicecidrs.
import { isIP } from 'node:net';
import { type FieldError, forbiddenField, invalid, notSupported, required, tooLong } from '../../apimachinery/errors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors } from '../../apimachinery/validation.js';
import { defineResource, STATUS } from '../define.js';
import type { KObject, ResourceDef } from '../types.js';
import { immutable, label, subdomain, validateLabelSelector } from './common.js';
import { ipAddressPrinter, serviceCIDRPrinter } from '../printers/extras.js';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from '../printers/networking.js';

const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const CIDR_MSG = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** Canonical text of an IP (IPv6 compressed, lower case), or undefined if not an IP. */
export function canonicalIP(ip: string): string | undefined {
  const v = isIP(ip);
  if (v === 4) return /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(ip) ? ip : undefined;
  if (v === 6) {
    try {
      return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function cidrError(cidr: unknown): string | undefined {
  if (typeof cidr !== 'string') return CIDR_MSG;
  const [ip, bits, extra] = cidr.split('/');
  if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return CIDR_MSG;
  const v = isIP(ip);
  if (!v || Number(bits) > (v === 4 ? 32 : 128)) return CIDR_MSG;
  return undefined;
}

function ipFamily(cidr: string): number {
  return isIP(cidr.split('/')[0]);
}

/** Path segment name of a backend or reference (pathvalidation.IsValidPathSegmentName). */
function validateServiceBackend(b: KObject, path: string, errs: FieldError[]): void {
  if (!b.name) errs.push(required(`${path}.name`));
  else for (const m of dns1035LabelErrors(b.name)) errs.push(invalid(`${path}.name`, b.name, m));
  const port = b.port ?? {};
  const hasName = !!port.name;
  const hasNumber = port.number !== undefined && port.number !== 0;
  if (hasName && hasNumber) errs.push(invalid(`${path}.port`, port, 'cannot set both port name & port number'));
  else if (hasName) {
    if (port.name.length > 15 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(port.name) || !/[a-z]/.test(port.name))
      errs.push(invalid(`${path}.port.name`, port.name, 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'));
  } else if (hasNumber) {
    if (!(port.number >= 1 && port.number <= 65535)) errs.push(invalid(`${path}.port.number`, port.number, 'must be between 1 and 65535, inclusive'));
  } else errs.push(required(`${path}.port`, 'port name or number is required'));
}

function validateBackend(b: KObject | undefined, path: string, errs: FieldError[]): void {
  if (!b) return;
  if (b.service && b.resource) errs.push(invalid(path, '', 'cannot set both resource and service backends'));
  else if (b.service) validateServiceBackend(b.service, `${path}.service`, errs);
  else if (b.resource) {
    if (!b.resource.kind) errs.push(required(`${path}.resource.kind`));
    if (!b.resource.name) errs.push(required(`${path}.resource.name`));
  } else errs.push(invalid(path, '', 'resource or service backend is required'));
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const BAD_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_SUFFIXES = ['/..', '/.'];

function validateHost(host: string, path: string, errs: FieldError[]): void {
  if (isIP(host)) {
    errs.push(invalid(path, host, 'must be a DNS name, not an IP address'));
    return;
  }
  const h = host.startsWith('*.') ? host.slice(2) : host;
  const msgs = dns1123SubdomainErrors(h);
  if (host.startsWith('*.')) {
    if (msgs.length)
      errs.push(invalid(path, host, "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
  } else for (const m of msgs) errs.push(invalid(path, host, m));
}

function validateIngress(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const rules: KObject[] = spec.rules ?? [];
  if (!spec.defaultBackend && rules.length === 0) errs.push(invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  validateBackend(spec.defaultBackend, 'spec.defaultBackend', errs);
  rules.forEach((r, i) => {
    const p = `spec.rules[${i}]`;
    if (r.host) validateHost(r.host, `${p}.host`, errs);
    if (!r.http) return;
    const paths: KObject[] = r.http.paths ?? [];
    if (paths.length === 0) errs.push(required(`${p}.http.paths`));
    paths.forEach((hp, j) => {
      const pp = `${p}.http.paths[${j}]`;
      if (!hp.pathType) errs.push(required(`${pp}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(hp.pathType)) errs.push(notSupported(`${pp}.pathType`, hp.pathType, PATH_TYPES));
      const path: string = hp.path ?? '';
      if (hp.pathType === 'Exact' || hp.pathType === 'Prefix') {
        if (!path.startsWith('/')) errs.push(invalid(`${pp}.path`, path, 'must be an absolute path'));
        else {
          for (const s of BAD_PATH_SEQUENCES) if (path.includes(s)) errs.push(invalid(`${pp}.path`, path, `must not contain '${s}'`));
          for (const s of BAD_PATH_SUFFIXES) if (path.endsWith(s)) errs.push(invalid(`${pp}.path`, path, `cannot end with '${s}'`));
        }
      } else if (hp.pathType === 'ImplementationSpecific' && path !== '' && !path.startsWith('/')) errs.push(invalid(`${pp}.path`, path, 'must be an absolute path'));
      if (!hp.backend) errs.push(invalid(`${pp}.backend`, '', 'resource or service backend is required'));
      else validateBackend(hp.backend, `${pp}.backend`, errs);
    });
  });
  (spec.tls ?? []).forEach((t: KObject, i: number) => {
    (t.hosts ?? []).forEach((h: string, j: number) => validateHost(h, `spec.tls[${i}].hosts[${j}]`, errs));
  });
  if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) subdomain(spec.ingressClassName, 'spec.ingressClassName', errs);
  return errs;
}

export const ingresses = defineResource({
  group: 'networking.k8s.io',
  resource: 'ingresses',
  kind: 'Ingress',
  printer: ingressPrinter,
  shortNames: ['ing'],
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
    },
    validate: validateIngress,
  },
});

function defaultIngressClass(obj: KObject): void {
  const params = obj.spec?.parameters;
  if (params && !params.scope) params.scope = 'Cluster';
}

function validateIngressClass(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const ctl: string = spec.controller ?? '';
  if (!ctl) errs.push(required('spec.controller'));
  else {
    if (ctl.length > 250) errs.push(tooLong('spec.controller', 250));
    const [domain, ...rest] = ctl.split('/');
    if (rest.length === 0 || rest.join('/') === '') errs.push(invalid('spec.controller', ctl, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    else for (const m of dns1123SubdomainErrors(domain)) errs.push(invalid('spec.controller', domain, m));
  }
  const params = spec.parameters;
  if (params) {
    if (!params.kind) errs.push(required('spec.parameters.kind'));
    if (!params.name) errs.push(required('spec.parameters.name'));
    if (params.scope === 'Namespace') {
      if (!params.namespace) errs.push(required('spec.parameters.namespace', '`parameters.scope` is set to \'Namespace\''));
      else label(params.namespace, 'spec.parameters.namespace', errs);
    } else if (params.scope === 'Cluster') {
      if (params.namespace) errs.push(forbiddenField('spec.parameters.namespace', '`parameters.scope` is set to \'Cluster\''));
    } else errs.push(notSupported('spec.parameters.scope', params.scope ?? '', ['Cluster', 'Namespace']));
  }
  return errs;
}

export const ingressclasses = defineResource({
  group: 'networking.k8s.io',
  resource: 'ingressclasses',
  kind: 'IngressClass',
  printer: ingressClassPrinter,
  namespaced: false,
  strategy: {
    prepareForCreate: defaultIngressClass,
    prepareForUpdate: defaultIngressClass,
    validate: validateIngressClass,
    validateUpdate(obj, old) {
      const errs = validateIngressClass(obj);
      immutable(obj.spec?.controller, old.spec?.controller, 'spec.controller', errs);
      return errs;
    },
  },
});

function defaultNetworkPolicy(obj: KObject): void {
  const spec = (obj.spec ??= {});
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length) spec.policyTypes.push('Egress');
  }
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) for (const p of rule?.ports ?? []) p.protocol ??= 'TCP';
}

function validatePeer(peer: KObject, path: string, errs: FieldError[]): void {
  let n = 0;
  if (peer.podSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    n++;
    const cidr = peer.ipBlock.cidr;
    if (!cidr) errs.push(required(`${path}.ipBlock.cidr`));
    else if (cidrError(cidr)) errs.push(invalid(`${path}.ipBlock.cidr`, cidr, CIDR_MSG));
    (peer.ipBlock.except ?? []).forEach((e: string, i: number) => {
      if (cidrError(e)) errs.push(invalid(`${path}.ipBlock.except[${i}]`, e, CIDR_MSG));
    });
  }
  if (n === 0) errs.push(required(path, 'must specify a peer'));
  else if (peer.ipBlock && n > 1) errs.push(forbiddenField(path, 'may not specify both ipBlock and another peer'));
}

function validatePorts(ports: KObject[] | undefined, path: string, errs: FieldError[]): void {
  (ports ?? []).forEach((p, i) => {
    const pp = `${path}[${i}]`;
    if (p.protocol && !['SCTP', 'TCP', 'UDP'].includes(p.protocol)) errs.push(notSupported(`${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    if (typeof p.port === 'number') {
      if (p.port < 1 || p.port > 65535) errs.push(invalid(`${pp}.port`, p.port, 'must be between 1 and 65535, inclusive'));
      if (p.endPort !== undefined && p.endPort < p.port) errs.push(invalid(`${pp}.endPort`, p.endPort, 'must be greater than or equal to `port`'));
    } else if (typeof p.port === 'string') {
      if (p.endPort !== undefined) errs.push(forbiddenField(`${pp}.endPort`, 'may not be specified when `port` is non-numeric'));
    } else if (p.endPort !== undefined) errs.push(required(`${pp}.port`, 'must be specified when `endPort` is specified'));
  });
}

function validateNetworkPolicy(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  (spec.ingress ?? []).forEach((r: KObject, i: number) => {
    validatePorts(r?.ports, `spec.ingress[${i}].ports`, errs);
    (r?.from ?? []).forEach((peer: KObject, j: number) => validatePeer(peer ?? {}, `spec.ingress[${i}].from[${j}]`, errs));
  });
  (spec.egress ?? []).forEach((r: KObject, i: number) => {
    validatePorts(r?.ports, `spec.egress[${i}].ports`, errs);
    (r?.to ?? []).forEach((peer: KObject, j: number) => validatePeer(peer ?? {}, `spec.egress[${i}].to[${j}]`, errs));
  });
  const types: unknown[] = spec.policyTypes ?? [];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  if (types.length > 2) errs.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return errs;
}

export const networkpolicies = defineResource({
  group: 'networking.k8s.io',
  resource: 'networkpolicies',
  kind: 'NetworkPolicy',
  printer: networkPolicyPrinter,
  shortNames: ['netpol'],
  generation: true,
  strategy: {
    prepareForCreate: defaultNetworkPolicy,
    prepareForUpdate: defaultNetworkPolicy,
    validate: validateNetworkPolicy,
  },
});

function validateIPAddress(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const name: string = obj.metadata?.name ?? '';
  const canon = canonicalIP(name);
  if (name && !canon) errs.push(invalid('metadata.name', name, IP_MSG));
  else if (name && canon !== name) errs.push(invalid('metadata.name', name, `must be in canonical form ("${canon}")`));
  const ref = obj.spec?.parentRef;
  if (!ref) errs.push(required('spec.parentRef'));
  else {
    if (ref.group) subdomain(ref.group, 'spec.parentRef.group', errs);
    if (!ref.resource) errs.push(required('spec.parentRef.resource'));
    if (!ref.name) errs.push(required('spec.parentRef.name'));
    if (ref.namespace) label(ref.namespace, 'spec.parentRef.namespace', errs);
  }
  return errs;
}

export const ipaddresses = defineResource({
  group: 'networking.k8s.io',
  resource: 'ipaddresses',
  kind: 'IPAddress',
  printer: ipAddressPrinter,
  namespaced: false,
  nameValidation: 'path',
  strategy: {
    validate: validateIPAddress,
    validateUpdate(obj, old) {
      const errs = validateIPAddress(obj);
      immutable(obj.spec?.parentRef, old.spec?.parentRef, 'spec.parentRef', errs);
      return errs;
    },
  },
});

function validateServiceCIDR(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const cidrs: unknown[] = obj.spec?.cidrs ?? [];
  if (cidrs.length === 0) errs.push(required('spec.cidrs', 'at least one CIDR required'));
  if (cidrs.length > 2) errs.push(invalid('spec', obj.spec, 'may only hold up to 2 values'));
  cidrs.forEach((c, i) => {
    if (cidrError(c)) errs.push(invalid(`spec.cidrs[${i}]`, c, CIDR_MSG));
  });
  if (cidrs.length === 2 && !cidrError(cidrs[0]) && !cidrError(cidrs[1]) && ipFamily(cidrs[0] as string) === ipFamily(cidrs[1] as string))
    errs.push(invalid('spec.cidrs', cidrs, 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  return errs;
}

export const servicecidrs = defineResource({
  group: 'networking.k8s.io',
  resource: 'servicecidrs',
  kind: 'ServiceCIDR',
  printer: serviceCIDRPrinter,
  namespaced: false,
  subresources: [STATUS],
  strategy: {
    validate: validateServiceCIDR,
    validateUpdate(obj, old) {
      const errs = validateServiceCIDR(obj);
      const n: unknown[] = obj.spec?.cidrs ?? [];
      const o: unknown[] = old.spec?.cidrs ?? [];
      // a single-stack range may gain its second family; anything else is immutable
      const upgrade = o.length === 1 && n.length === 2 && n[0] === o[0];
      if (!upgrade) immutable(n, o, 'spec.cidrs', errs);
      return errs;
    },
  },
});

export const networkingResources: ResourceDef[] = [ingressclasses, ingresses, ipaddresses, networkpolicies, servicecidrs];
