import { col, docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, num, obj, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);

export const flowSchemaPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('PriorityLevel', 'string', 'PriorityLevelConfigurationReference.name'),
    docCol('MatchingPrecedence', 'string', 'FlowSchemaSpec.matchingPrecedence'),
    docCol('DistinguisherMethod', 'string', 'FlowSchemaSpec.distinguisherMethod'),
    ageColumn(),
    col('MissingPL', 'string', 'references a broken or non-existent PriorityLevelConfiguration'),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    const distinguisher = spec.distinguisherMethod != null ? str(spec.distinguisherMethod.type) : '<none>';
    const dangling = arr(obj(o?.status).conditions).find((c) => c?.type === 'Dangling');
    return {
      cells: [
        name(o), str(obj(spec.priorityLevelConfiguration).name), num(spec.matchingPrecedence), distinguisher, age(o, now),
        dangling ? str(dangling.status) : '?',
      ],
    };
  },
  // lower matchingPrecedence first, then by name
  compare(a, b) {
    const pa = num(obj(a?.spec).matchingPrecedence);
    const pb = num(obj(b?.spec).matchingPrecedence);
    if (pa !== pb) return pa - pb;
    const na = name(a);
    const nb = name(b);
    return na < nb ? -1 : na > nb ? 1 : 0;
  },
};

export const priorityLevelConfigurationPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Type', 'string', 'PriorityLevelConfigurationSpec.type'),
    docCol('NominalConcurrencyShares', 'string', 'LimitedPriorityLevelConfiguration.nominalConcurrencyShares'),
    docCol('Queues', 'string', 'QueuingConfiguration.queues'),
    docCol('HandSize', 'string', 'QueuingConfiguration.handSize'),
    docCol('QueueLengthLimit', 'string', 'QueuingConfiguration.queueLengthLimit'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    let ncs: unknown = '<none>';
    let queues: unknown = '<none>';
    let handSize: unknown = '<none>';
    let queueLengthLimit: unknown = '<none>';
    if (spec.limited != null) {
      const limited = obj(spec.limited);
      ncs = num(limited.nominalConcurrencyShares);
      const queuing = obj(limited.limitResponse).queuing;
      if (queuing != null) {
        queues = num(queuing.queues);
        handSize = num(queuing.handSize);
        queueLengthLimit = num(queuing.queueLengthLimit);
      }
    }
    return { cells: [name(o), str(spec.type), ncs, queues, handSize, queueLengthLimit, age(o, now)] };
  },
};
