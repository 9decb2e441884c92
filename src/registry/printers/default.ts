import { docCol } from './columns.js';
import type { TablePrinter } from './types.js';
import { formatRFC3339, obj, str } from './util.js';

/** kube-apiserver's default table convertor for kinds without a printer (roles, limitranges, CRDs, ...). */
export const defaultPrinter: TablePrinter = {
  columns: [docCol('Name', 'string', 'ObjectMeta.name', 0, 'name'), docCol('Created At', 'date', 'ObjectMeta.creationTimestamp')],
  row(o) {
    const meta = obj(o?.metadata);
    return { cells: [str(meta.name), formatRFC3339(meta.creationTimestamp)] };
  },
};
