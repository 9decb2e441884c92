import { col, docCol, nameColumn, ageColumn, containersColumn, imagesColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, count, formatLabels, goLess, joinHostPort, layoutContainers, num, obj, quantity, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);

export const namespacePrinter: TablePrinter = {
  columns: [nameColumn(), col('Status', 'string', 'The status of the namespace'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), str(obj(o?.status).phase), age(o, now)] }),
};

export const configMapPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('Data', 'string', 'ConfigMap.data'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), count(o?.data) + count(o?.binaryData), age(o, now)] }),
};

export const secretPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('Type', 'string', 'Secret.type'), docCol('Data', 'string', 'Secret.data'), ageColumn()],
  // stringData is merged into data when a v1 Secret is converted, so count the union of keys.
  row: (o, now) => ({
    cells: [name(o), str(o?.type), new Set([...Object.keys(obj(o?.data)), ...Object.keys(obj(o?.stringData))]).size, age(o, now)],
  }),
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('Secrets', 'string', 'ServiceAccount.secrets'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), arr(o?.secrets).length, age(o, now)] }),
};

function loadBalancerIngress(lb: unknown): string {
  const set = new Set<string>();
  for (const ing of arr(obj(lb).ingress)) {
    if (str(ing?.ip)) set.add(str(ing.ip));
    else if (str(ing?.hostname)) set.add(str(ing.hostname));
  }
  // Table output is always generated "wide" server-side, so the 16-character clipping never applies.
  return [...set].sort(goLess).join(',');
}

function serviceExternalIP(spec: Record<string, any>, status: Record<string, any>): string {
  const externalIPs = arr(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(status.loadBalancer);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
  }
  return '<unknown>';
}

function servicePorts(ports: unknown): string {
  const pieces = arr(ports).map((p) => {
    // protocol is always defaulted (TCP) by the API; fall back to that for undefaulted objects
    const proto = str(p?.protocol) || 'TCP';
    return num(p?.nodePort) > 0 ? `${num(p?.port)}:${num(p?.nodePort)}/${proto}` : `${num(p?.port)}/${proto}`;
  });
  return pieces.join(',') || '<none>';
}

export const servicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Type', 'string', 'ServiceSpec.type'),
    docCol('Cluster-IP', 'string', 'ServiceSpec.clusterIP'),
    docCol('External-IP', 'string', 'ServiceSpec.externalIPs'),
    docCol('Port(s)', 'string', 'ServiceSpec.ports'),
    ageColumn(),
    docCol('Selector', 'string', 'ServiceSpec.selector', 1),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    // v1 clusterIP wins over clusterIPs[0] when converting to the internal form
    const clusterIP = str(spec.clusterIP) || str(arr(spec.clusterIPs)[0]) || '<none>';
    return {
      cells: [name(o), str(spec.type), clusterIP, serviceExternalIP(spec, obj(o?.status)), servicePorts(spec.ports), age(o, now), formatLabels(spec.selector)],
    };
  },
};

function formatEndpoints(subsets: unknown): string {
  const list = arr(subsets);
  if (list.length === 0) return '<none>';
  const out: string[] = [];
  const max = 3;
  let more = false;
  let total = 0;
  for (const ss of list) {
    const addresses = arr(ss?.addresses);
    const ports = arr(ss?.ports);
    if (ports.length === 0) {
      // headless services may have addresses without ports
      total += addresses.length;
      for (const a of addresses) {
        if (out.length === max) { more = true; break; }
        out.push(str(a?.ip));
      }
      continue;
    }
    for (const p of ports) {
      total += addresses.length;
      for (const a of addresses) {
        if (out.length === max) { more = true; break; }
        out.push(joinHostPort(str(a?.ip), num(p?.port)));
      }
    }
  }
  const ret = out.join(',');
  return more ? `${ret} + ${total - max} more...` : ret;
}

export const endpointsPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('Endpoints', 'string', 'Endpoints.subsets'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), formatEndpoints(o?.subsets), age(o, now)] }),
};

function nodeRoles(labels: unknown): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj(labels))) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && str(v)) {
      roles.add(str(v));
    }
  }
  return [...roles].sort(goLess).join(',') || '<none>';
}

function nodeAddress(status: Record<string, any>, type: string): string {
  const a = arr(status.addresses).find((x) => x?.type === type);
  return a ? str(a.address) : '<none>';
}

export const nodePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    docCol('Version', 'string', 'NodeSystemInfo.kubeletVersion'),
    docCol('Internal-IP', 'string', 'NodeStatus.addresses', 1),
    docCol('External-IP', 'string', 'NodeStatus.addresses', 1),
    docCol('OS-Image', 'string', 'NodeSystemInfo.osImage', 1),
    docCol('Kernel-Version', 'string', 'NodeSystemInfo.kernelVersion', 1),
    docCol('Container-Runtime', 'string', 'NodeSystemInfo.containerRuntimeVersion', 1),
  ],
  row(o, now) {
    const status = obj(o?.status);
    const info = obj(status.nodeInfo);
    // the last Ready condition wins, as upstream indexes conditions by type in a map
    const ready = arr(status.conditions).filter((c) => c?.type === 'Ready').pop();
    const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (obj(o?.spec).unschedulable === true) parts.push('SchedulingDisabled');
    return {
      cells: [
        name(o), parts.join(','), nodeRoles(obj(o?.metadata).labels), age(o, now), str(info.kubeletVersion),
        nodeAddress(status, 'InternalIP'), nodeAddress(status, 'ExternalIP'),
        str(info.osImage) || '<unknown>', str(info.kernelVersion) || '<unknown>', str(info.containerRuntimeVersion) || '<unknown>',
      ],
    };
  },
};

export const podTemplatePrinter: TablePrinter = {
  columns: [nameColumn(), containersColumn(0), imagesColumn(0), col('Pod Labels', 'string', 'The labels for the pod template.')],
  row(o) {
    const tpl = obj(o?.template);
    const [names, images] = layoutContainers(obj(tpl.spec).containers);
    return { cells: [name(o), names, images, formatLabels(obj(tpl.metadata).labels)] };
  },
};

export const replicationControllerPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Desired', 'integer', 'ReplicationControllerSpec.replicas'),
    docCol('Current', 'integer', 'ReplicationControllerStatus.replicas'),
    docCol('Ready', 'integer', 'ReplicationControllerStatus.readyReplicas'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    docCol('Selector', 'string', 'ReplicationControllerSpec.selector', 1),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const [names, images] = layoutContainers(obj(obj(spec.template).spec).containers);
    // spec.replicas is defaulted to 1 by the API
    return {
      cells: [name(o), num(spec.replicas, 1), num(status.replicas), num(status.readyReplicas), age(o, now), names, images, formatLabels(spec.selector)],
    };
  },
};

export const resourceQuotaPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    ageColumn(),
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ],
  row(o, now) {
    const status = obj(o?.status);
    const hard = obj(status.hard);
    const used = obj(status.used);
    const requests: string[] = [];
    const limits: string[] = [];
    for (const res of Object.keys(hard).sort(goLess)) {
      const pieces = res.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${res}: ${quantity(used[res])}/${quantity(hard[res])}`);
    }
    return { cells: [name(o), age(o, now), requests.join(', '), limits.join(', ')] };
  },
};
