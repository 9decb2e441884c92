import { col, docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, obj, str, translateTimestampSince } from './util.js';

function bindingPrinter(kind: 'RoleBinding' | 'ClusterRoleBinding', label: string): TablePrinter {
  return {
    columns: [
      nameColumn(),
      docCol('Role', 'string', `${kind}.roleRef`),
      ageColumn(),
      col('Users', 'string', `Users in the ${label}`, 1),
      col('Groups', 'string', `Groups in the ${label}`, 1),
      col('ServiceAccounts', 'string', `ServiceAccounts in the ${label}`, 1),
    ],
    row(o, now) {
      const meta = obj(o?.metadata);
      const ref = obj(o?.roleRef);
      const users: string[] = [];
      const groups: string[] = [];
      const sas: string[] = [];
      for (const s of arr(o?.subjects)) {
        if (s?.kind === 'ServiceAccount') sas.push(`${str(s.namespace)}/${str(s.name)}`);
        else if (s?.kind === 'User') users.push(str(s.name));
        else if (s?.kind === 'Group') groups.push(str(s.name));
      }
      return {
        cells: [str(meta.name), `${str(ref.kind)}/${str(ref.name)}`, translateTimestampSince(meta.creationTimestamp, now), users.join(', '), groups.join(', '), sas.join(', ')],
      };
    },
  };
}

export const roleBindingPrinter = bindingPrinter('RoleBinding', 'roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('ClusterRoleBinding', 'clusterRoleBinding');
