// kubectl get for custom resources: Name plus the version's additionalPrinterColumns (Age when it has none),
// cells from JSONPath as the CRD table convertor computes them.
import { evaluateJSONPath, parseJSONPath, printResult } from '../../apiextensions/jsonpath.js';
import type { ColumnDefinition, TablePrinter } from '../printers/types.js';
import { humanDuration, parseTime } from '../printers/util.js';
import type { KObject } from '../types.js';

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** A cell as upstream's cellForJSONValue types it (dates become ages). */
function cell(type: string, v: unknown, now: number): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date': {
      if (typeof v !== 'string') return null;
      const t = parseTime(v);
      return t === null ? '<invalid>' : humanDuration(now - t);
    }
    default:
      return typeof v === 'string' ? v : null;
  }
}

export function customResourcePrinter(columns: PrinterColumn[] | undefined): TablePrinter {
  const cols: PrinterColumn[] = columns?.length ? columns : [{ name: 'Age', type: 'date', description: CREATION_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' }];
  const paths = cols.map((c) => {
    try {
      return parseJSONPath(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  const defs: ColumnDefinition[] = [
    { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
    ...cols.map((c) => ({ name: c.name, type: c.type as ColumnDefinition['type'], format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
  return {
    columns: defs,
    row(obj: KObject, now: number) {
      const cells: unknown[] = [obj.metadata?.name ?? ''];
      cols.forEach((c, i) => {
        const p = paths[i];
        const found = p ? evaluateJSONPath(p, obj) : [];
        if (!found.length || found[0] === undefined) return void cells.push(null);
        cells.push(c.type === 'string' ? printResult(found[0]) : cell(c.type, found[0], now));
      });
      return { cells };
    },
  };
}
