import { col, docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter, TableRowCondition } from './types.js';
import { arr, humanDuration, num, obj, parseTime, str, translateTimestampSince } from './util.js';

const podSucceeded: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const podFailed: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

const isRestartable = (c: any): boolean => c?.restartPolicy === 'Always';

function conditionTrue(conditions: any[], type: string): boolean {
  const c = conditions.find((x) => x?.type === type);
  return c !== undefined && c.status === 'True';
}

// Internal PodStatus keeps only podIPs; the v1 podIP field wins when both are set (v1 -> internal conversion).
function firstPodIP(status: Record<string, any>): string {
  const ip = str(status.podIP);
  if (ip) return ip;
  return str(obj(arr(status.podIPs)[0]).ip);
}

function terminatedReason(t: Record<string, any>, prefix: string): string {
  if (str(t.reason)) return prefix + str(t.reason);
  return num(t.signal) !== 0 ? `${prefix}Signal:${num(t.signal)}` : `${prefix}ExitCode:${num(t.exitCode)}`;
}

export const podPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn(),
    docCol('IP', 'string', 'PodStatus.podIP', 1),
    docCol('Node', 'string', 'PodSpec.nodeName', 1),
    docCol('Nominated Node', 'string', 'PodStatus.nominatedNodeName', 1),
    docCol('Readiness Gates', 'string', 'PodSpec.readinessGates', 1),
  ],
  row(pod, now) {
    const meta = obj(pod?.metadata);
    const spec = obj(pod?.spec);
    const status = obj(pod?.status);
    const conditions = arr(status.conditions);
    const specInit = arr(spec.initContainers);

    let restarts = 0;
    let restartableInitRestarts = 0;
    let totalContainers = arr(spec.containers).length;
    let readyContainers = 0;
    let lastRestart = 0;
    let lastRestartableInitRestart = 0;
    const laterOf = (cur: number, cs: any): number => {
      const t = parseTime(obj(obj(cs?.lastState).terminated).finishedAt);
      return t !== null && t > cur ? t : cur;
    };

    const phase = str(status.phase);
    let reason = str(status.reason) || phase;
    for (const c of conditions) {
      if (c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated') reason = 'SchedulingGated';
    }

    const initByName = new Map<string, any>();
    for (const c of specInit) {
      initByName.set(str(c?.name), c);
      if (isRestartable(c)) totalContainers++;
    }

    let initializing = false;
    const initStatuses = arr(status.initContainerStatuses);
    for (let i = 0; i < initStatuses.length; i++) {
      const cs = obj(initStatuses[i]);
      const state = obj(cs.state);
      restarts += num(cs.restartCount);
      lastRestart = laterOf(lastRestart, cs);
      const restartable = isRestartable(initByName.get(str(cs.name)));
      if (restartable) {
        restartableInitRestarts += num(cs.restartCount);
        lastRestartableInitRestart = laterOf(lastRestartableInitRestart, cs);
      }
      if (state.terminated && num(state.terminated.exitCode) === 0) continue;
      if (restartable && cs.started === true) {
        if (cs.ready === true) readyContainers++;
        continue;
      }
      if (state.terminated) {
        reason = terminatedReason(obj(state.terminated), 'Init:');
      } else if (state.waiting && str(state.waiting.reason) && state.waiting.reason !== 'PodInitializing') {
        reason = 'Init:' + str(state.waiting.reason);
      } else {
        reason = `Init:${i}/${specInit.length}`;
      }
      initializing = true;
      break;
    }

    if (!initializing || conditionTrue(conditions, 'Initialized')) {
      restarts = restartableInitRestarts;
      lastRestart = lastRestartableInitRestart;
      let hasRunning = false;
      const statuses = arr(status.containerStatuses);
      for (let i = statuses.length - 1; i >= 0; i--) {
        const cs = obj(statuses[i]);
        const state = obj(cs.state);
        restarts += num(cs.restartCount);
        lastRestart = laterOf(lastRestart, cs);
        if (state.waiting && str(state.waiting.reason)) {
          reason = str(state.waiting.reason);
        } else if (state.terminated) {
          reason = terminatedReason(obj(state.terminated), '');
        } else if (cs.ready === true && state.running) {
          hasRunning = true;
          readyContainers++;
        }
      }
      if (reason === 'Completed' && hasRunning) {
        reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
      }
    }

    const deleting = meta.deletionTimestamp != null;
    if (deleting && status.reason === 'NodeLost') {
      reason = 'Unknown';
    } else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') {
      reason = 'Terminating';
    }

    const restartsCell = restarts !== 0 && lastRestart !== 0
      ? `${restarts} (${humanDuration(now - lastRestart)} ago)`
      : String(restarts);

    let readinessGates = '<none>';
    const gates = arr(spec.readinessGates);
    if (gates.length > 0) {
      let trueCount = 0;
      for (const g of gates) {
        const c = conditions.find((x) => x?.type === g?.conditionType);
        if (c?.status === 'True') trueCount++;
      }
      readinessGates = `${trueCount}/${gates.length}`;
    }

    const row = {
      cells: [
        str(meta.name),
        `${readyContainers}/${totalContainers}`,
        reason,
        restartsCell,
        translateTimestampSince(meta.creationTimestamp, now),
        firstPodIP(status) || '<none>',
        str(spec.nodeName) || '<none>',
        str(status.nominatedNodeName) || '<none>',
        readinessGates,
      ],
    };
    if (phase === 'Succeeded') return { ...row, conditions: podSucceeded.map((c) => ({ ...c })) };
    if (phase === 'Failed') return { ...row, conditions: podFailed.map((c) => ({ ...c })) };
    return row;
  },
};
