import { col, docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, formatLabelSelector, goLess, obj, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);

function formatHosts(rules: unknown): string {
  const list: string[] = [];
  const all = arr(rules);
  const max = 3;
  let more = false;
  for (const rule of all) {
    if (list.length === max) more = true;
    if (!more && str(rule?.host)) list.push(str(rule.host));
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${all.length - max} more...` : ret;
}

function ingressAddress(lb: unknown): string {
  const set = new Set<string>();
  for (const ing of arr(obj(lb).ingress)) {
    if (str(ing?.ip)) set.add(str(ing.ip));
    else if (str(ing?.hostname)) set.add(str(ing.hostname));
  }
  return [...set].sort(goLess).join(',');
}

export const ingressPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const className = typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>';
    const ports = arr(spec.tls).length ? '80, 443' : '80';
    return { cells: [name(o), className, formatHosts(spec.rules), ingressAddress(obj(o?.status).loadBalancer), ports, age(o, now)] };
  },
};

export const ingressClassPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    let parameters = '<none>';
    if (spec.parameters != null) {
      const p = obj(spec.parameters);
      parameters = str(p.kind) + (typeof p.apiGroup === 'string' ? `.${p.apiGroup}` : '') + `/${str(p.name)}`;
    }
    return { cells: [name(o), str(spec.controller), parameters, age(o, now)] };
  },
};

export const networkPolicyPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('Pod-Selector', 'string', 'NetworkPolicySpec.podSelector'), ageColumn()],
  // podSelector is a value (not a pointer) internally, so a missing one selects everything and prints <none>
  row: (o, now) => ({ cells: [name(o), formatLabelSelector(obj(obj(o?.spec).podSelector)), age(o, now)] }),
};
