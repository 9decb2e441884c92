import { docCol } from './columns.js';
import type { TablePrinter } from './types.js';
import { num, obj, str, translateTimestampSince } from './util.js';

/** Maps an events.k8s.io/v1 Event onto the core/v1 field names; both are served from the same storage and printer. */
export function eventsV1ToCore(e: any): any {
  const o = obj(e);
  return {
    metadata: o.metadata,
    involvedObject: o.regarding,
    reason: o.reason,
    message: o.note,
    source: o.deprecatedSource,
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    count: o.deprecatedCount,
    type: o.type,
    eventTime: o.eventTime,
    series: o.series,
    reportingComponent: o.reportingController,
    reportingInstance: o.reportingInstance,
  };
}

function eventSource(source: Record<string, any>, controller: string, instance: string): string {
  const component = str(source.component) || controller;
  const host = str(source.host) || instance;
  return host ? `${component}, ${host}` : component;
}

function row(e: any, now: number) {
  const meta = obj(e?.metadata);
  const involved = obj(e?.involvedObject);
  let firstSeen = translateTimestampSince(e?.firstTimestamp, now);
  if (firstSeen === '<unknown>') firstSeen = translateTimestampSince(e?.eventTime, now);
  let lastSeen = translateTimestampSince(e?.lastTimestamp, now);
  if (lastSeen === '<unknown>') lastSeen = firstSeen;
  let count = num(e?.count);
  const series = e?.series;
  if (series !== null && typeof series === 'object') {
    lastSeen = translateTimestampSince(series.lastObservedTime, now);
    count = num(series.count);
  } else if (count === 0) {
    // singleton events created through events.k8s.io carry no count
    count = 1;
  }
  const kind = str(involved.kind).toLowerCase();
  const target = str(involved.name) ? `${kind}/${str(involved.name)}` : kind;
  return {
    cells: [
      lastSeen,
      str(e?.type),
      str(e?.reason),
      target,
      str(involved.fieldPath),
      eventSource(obj(e?.source), str(e?.reportingComponent), str(e?.reportingInstance)),
      str(e?.message).trim(),
      firstSeen,
      count,
      str(meta.name),
    ],
  };
}

const columns = [
  docCol('Last Seen', 'string', 'Event.lastTimestamp'),
  docCol('Type', 'string', 'Event.type'),
  docCol('Reason', 'string', 'Event.reason'),
  docCol('Object', 'string', 'Event.involvedObject'),
  docCol('Subobject', 'string', 'ObjectReference.fieldPath', 1),
  docCol('Source', 'string', 'Event.source', 1),
  docCol('Message', 'string', 'Event.message'),
  docCol('First Seen', 'string', 'Event.firstTimestamp', 1),
  docCol('Count', 'string', 'Event.count', 1),
  docCol('Name', 'string', 'ObjectMeta.name', 1, 'name'),
];

export const eventPrinter: TablePrinter = { columns, row };

export const eventsV1Printer: TablePrinter = { columns, row: (e, now) => row(eventsV1ToCore(e), now) };
