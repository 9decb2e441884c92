import { col, docCol, nameColumn, ageColumn, containersColumn, imagesColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, formatLabelSelector, formatLabels, labelSelectorString, layoutContainers, num, obj, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);
const templateContainers = (spec: Record<string, any>): [string, string] => layoutContainers(obj(obj(spec.template).spec).containers);

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    docCol('Up-to-date', 'string', 'DeploymentStatus.updatedReplicas'),
    docCol('Available', 'string', 'DeploymentStatus.availableReplicas'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    docCol('Selector', 'string', 'DeploymentSpec.selector', 1),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const [names, images] = templateContainers(spec);
    // unlike other printers this one prints the raw selector string: empty for nil/empty, <invalid> on error
    const selector = labelSelectorString(spec.selector) ?? '<invalid>';
    return {
      cells: [
        name(o), `${num(status.readyReplicas)}/${num(spec.replicas, 1)}`, num(status.updatedReplicas), num(status.availableReplicas),
        age(o, now), names, images, selector,
      ],
    };
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Desired', 'integer', 'ReplicaSetSpec.replicas'),
    docCol('Current', 'integer', 'ReplicaSetStatus.replicas'),
    docCol('Ready', 'integer', 'ReplicaSetStatus.readyReplicas'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    docCol('Selector', 'string', 'ReplicaSetSpec.selector', 1),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const [names, images] = templateContainers(spec);
    return {
      cells: [name(o), num(spec.replicas, 1), num(status.replicas), num(status.readyReplicas), age(o, now), names, images, formatLabelSelector(spec.selector)],
    };
  },
};

export const statefulSetPrinter: TablePrinter = {
  columns: [nameColumn(), col('Ready', 'string', 'Number of the pod with ready state'), ageColumn(), containersColumn(), imagesColumn()],
  row(o, now) {
    const spec = obj(o?.spec);
    const [names, images] = templateContainers(spec);
    return { cells: [name(o), `${num(obj(o?.status).readyReplicas)}/${num(spec.replicas, 1)}`, age(o, now), names, images] };
  },
};

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Desired', 'integer', 'DaemonSetStatus.desiredNumberScheduled'),
    docCol('Current', 'integer', 'DaemonSetStatus.currentNumberScheduled'),
    docCol('Ready', 'integer', 'DaemonSetStatus.numberReady'),
    docCol('Up-to-date', 'integer', 'DaemonSetStatus.updatedNumberScheduled'),
    docCol('Available', 'integer', 'DaemonSetStatus.numberAvailable'),
    docCol('Node Selector', 'string', 'PodSpec.nodeSelector'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    docCol('Selector', 'string', 'DaemonSetSpec.selector', 1),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const [names, images] = templateContainers(spec);
    return {
      cells: [
        name(o), num(status.desiredNumberScheduled), num(status.currentNumberScheduled), num(status.numberReady),
        num(status.updatedNumberScheduled), num(status.numberAvailable), formatLabels(obj(obj(spec.template).spec).nodeSelector),
        age(o, now), names, images, formatLabelSelector(spec.selector),
      ],
    };
  },
};

/** "kind.group/name" of the controlling owner, as formatResourceName prints it. */
export function controllerName(meta: Record<string, any>): string {
  const ref = arr(meta.ownerReferences).find((r) => r?.controller === true);
  if (!ref) return '<none>';
  const apiVersion = str(ref.apiVersion);
  const parts = apiVersion.split('/');
  if (parts.length > 2) throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
  const group = parts.length === 2 ? parts[0] : '';
  const kind = str(ref.kind);
  if (group === '' && kind === '') return str(ref.name);
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${str(ref.name)}`;
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Controller', 'string', 'Controller of the object'),
    docCol('Revision', 'string', 'ControllerRevision.revision'),
    ageColumn(),
  ],
  row(o, now) {
    const meta = obj(o?.metadata);
    let controller: string;
    try {
      controller = controllerName(meta);
    } catch {
      // upstream fails the whole conversion here; a placeholder keeps the list printable
      controller = '<invalid>';
    }
    return { cells: [name(o), controller, num(o?.revision), age(o, now)] };
  },
};
