// The pure part of the cronjob controller (v2, kube-controller-manager v1.33): which scheduled time is due
// now, when to look again, and the Job made for a scheduled time.
import type { KObject } from '../client/types.js';
import { formatRFC3339In, mostRecentScheduleTime, parseCronSchedule, type CronSchedule } from './cron-schedule.js';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** upstream's nextScheduleDelta: look again a little after the activation. */
const NEXT_DELTA_MS = 100;

export type Plan =
  | { kind: 'error'; reason: string; message: string }
  | { kind: 'wait'; requeueMs?: number }
  | { kind: 'missed'; scheduled: number; requeueMs?: number; message: string }
  | { kind: 'run'; scheduled: number; missed: number; requeueMs?: number };

/** The schedule with spec.timeZone applied (upstream's formatSchedule), or the event explaining why not. */
export function scheduleOf(cj: KObject): CronSchedule | { reason: string; message: string } {
  const spec = cj.spec ?? {};
  const tz: string | undefined = spec.schedule.includes('TZ') ? undefined : spec.timeZone ?? undefined;
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      return { reason: 'UnknownTimeZone', message: `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}` };
    }
  }
  try {
    return parseCronSchedule(spec.schedule, tz);
  } catch (e) {
    return { reason: 'UnparseableSchedule', message: `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(e as Error).message}` };
  }
}

/** Go's time.RFC1123Z in UTC. */
const rfc1123z = (ms: number) => new Date(ms).toUTCString().replace(/GMT$/, '+0000');

/** upstream's syncCronJob timing: the most recent unmet scheduled time since the last one (or creation), within startingDeadlineSeconds. */
export function planCronJob(cj: KObject, now: number): Plan {
  const sched = scheduleOf(cj);
  if (!('next' in sched)) return { kind: 'error', ...sched };
  const requeue = (from: number) => {
    const t = sched.next(from);
    return t === undefined ? undefined : t - now + NEXT_DELTA_MS;
  };
  const last = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : undefined;
  let earliest = last ?? Date.parse(cj.metadata.creationTimestamp);
  const deadline = cj.spec.startingDeadlineSeconds;
  if (typeof deadline === 'number') earliest = Math.max(earliest, now - deadline * 1000);
  const { time, missed } = mostRecentScheduleTime(sched, earliest, now);
  if (time === undefined) return { kind: 'wait', requeueMs: requeue(now) };
  if (typeof deadline === 'number' && time + deadline * 1000 < now)
    return { kind: 'missed', scheduled: time, requeueMs: requeue(now), message: `Missed scheduled time to start a job: ${rfc1123z(time)}` };
  if (last === time) return { kind: 'wait', requeueMs: requeue(now) };
  return { kind: 'run', scheduled: time, missed, requeueMs: requeue(now) };
}

/** upstream's getJobName: the scheduled time in minutes since the epoch, so a restart never runs a time twice. */
export const jobNameFor = (cj: KObject, scheduled: number) => `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;

/** upstream's getJobFromTemplate2. */
export function jobFromTemplate(cj: KObject, scheduled: number): KObject {
  const tpl = structuredClone(cj.spec.jobTemplate ?? {});
  const tz: string = cj.spec.timeZone || 'UTC';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduled),
      namespace: cj.metadata.namespace,
      labels: tpl.metadata?.labels,
      annotations: { ...(tpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: formatRFC3339In(scheduled, tz) },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: tpl.spec ?? {},
  };
}
