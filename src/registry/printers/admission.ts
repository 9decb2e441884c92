import { col, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, labelSelectorGoString, obj, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);

const webhookPrinter: TablePrinter = {
  columns: [nameColumn(), col('Webhooks', 'integer', 'Webhooks indicates the number of webhooks registered in this configuration'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), arr(o?.webhooks).length, age(o, now)] }),
};
export const mutatingWebhookPrinter = webhookPrinter;
export const validatingWebhookPrinter = webhookPrinter;

function paramKind(spec: Record<string, any>): string {
  if (spec.paramKind == null) return '<unset>';
  return `${str(spec.paramKind.apiVersion)}/${str(spec.paramKind.kind)}`;
}

function policyPrinter(countCol: string, countDesc: string, listField: string): TablePrinter {
  return {
    columns: [
      nameColumn(),
      col(countCol, 'integer', countDesc),
      col('ParamKind', 'string', 'ParamKind specifies the kind of resources used to parameterize this policy'),
      ageColumn(),
    ],
    row(o, now) {
      const spec = obj(o?.spec);
      return { cells: [name(o), arr(spec[listField]).length, paramKind(spec), age(o, now)] };
    },
  };
}

export const validatingAdmissionPolicyPrinter = policyPrinter(
  'Validations', 'Validations indicates the number of validation rules defined in this configuration', 'validations');
export const mutatingAdmissionPolicyPrinter = policyPrinter(
  'Mutations', 'Mutation indicates the number of mutations rules defined in this configuration', 'mutations');

export const policyBindingPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('PolicyName', 'string', 'PolicyName indicates the policy definition which the policy binding binded to'),
    col('ParamRef', 'string', 'ParamRef indicates the param resource which sets the configration param'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    let param = '<unset>';
    if (spec.paramRef != null) {
      const pr = obj(spec.paramRef);
      if (str(pr.name)) {
        // without a namespace the param may be cluster-scoped or per-namespace, so upstream shows "*"
        param = str(pr.namespace) ? `${pr.namespace}/${pr.name}` : `*/${pr.name}`;
      } else if (pr.selector != null) {
        param = labelSelectorGoString(obj(pr.selector));
      }
    }
    return { cells: [name(o), str(spec.policyName), param, age(o, now)] };
  },
};
