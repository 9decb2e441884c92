import { col, docCol, nameColumn, ageColumn, containersColumn, imagesColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, formatLabelSelector, hasCondition, humanDuration, layoutContainers, num, obj, parseTime, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);

function jobStatus(o: any): string {
  const conditions = obj(o?.status).conditions;
  if (hasCondition(conditions, 'Complete')) return 'Complete';
  if (hasCondition(conditions, 'Failed')) return 'Failed';
  if (obj(o?.metadata).deletionTimestamp != null) return 'Terminating';
  if (hasCondition(conditions, 'Suspended')) return 'Suspended';
  if (hasCondition(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Status of the job.'),
    docCol('Completions', 'string', 'JobStatus.succeeded'),
    col('Duration', 'string', 'Time required to complete the job.'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    docCol('Selector', 'string', 'JobSpec.selector', 1),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const succeeded = num(status.succeeded);
    let completions: string;
    if (typeof spec.completions === 'number') {
      completions = `${succeeded}/${spec.completions}`;
    } else {
      const parallelism = num(spec.parallelism);
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    const start = parseTime(status.startTime);
    const end = parseTime(status.completionTime);
    const duration = start === null ? '' : humanDuration((end ?? now) - start);
    const [names, images] = layoutContainers(obj(obj(spec.template).spec).containers);
    return { cells: [name(o), jobStatus(o), completions, duration, age(o, now), names, images, formatLabelSelector(spec.selector)] };
  },
};

function boolPtr(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}

export const cronJobPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Schedule', 'string', 'CronJobSpec.schedule'),
    docCol('Timezone', 'string', 'CronJobSpec.timeZone'),
    docCol('Suspend', 'boolean', 'CronJobSpec.suspend'),
    docCol('Active', 'integer', 'CronJobStatus.active'),
    docCol('Last Schedule', 'string', 'CronJobStatus.lastScheduleTime'),
    ageColumn(),
    containersColumn(),
    imagesColumn(),
    docCol('Selector', 'string', 'JobSpec.selector', 1),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const jobSpec = obj(obj(spec.jobTemplate).spec);
    const lastSchedule = status.lastScheduleTime != null ? translateTimestampSince(status.lastScheduleTime, now) : '<none>';
    const [names, images] = layoutContainers(obj(obj(jobSpec.template).spec).containers);
    return {
      cells: [
        name(o), str(spec.schedule), typeof spec.timeZone === 'string' ? spec.timeZone : '<none>', boolPtr(spec.suspend),
        arr(status.active).length, lastSchedule, age(o, now), names, images, formatLabelSelector(jobSpec.selector),
      ],
    };
  },
};
