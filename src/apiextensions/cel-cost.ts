// Static CEL cost limits of a CRD schema, as apiextensions' CELSchemaContext: rule cost × how many times the
// node can occur (maxItems/maxProperties of its ancestors), per expression and summed over the whole schema.
import { type FieldError, forbiddenField } from '../apimachinery/errors.js';
import { costErrorMessage, STATIC_ESTIMATED_COST_LIMIT, STATIC_ESTIMATED_CRD_COST_LIMIT } from '../cel/cost-limits.js';
import { MAX_U64 } from '../cel/cost-range.js';
import type { JSONSchemaProps } from './types.js';

/** How many times data of a node can occur in an object; null when an ancestor list or map is unbounded. */
export type Cardinality = bigint | null;

/** multiplyWithOverflowGuard (an empty rule costs 0 whatever the cardinality). */
export function mulGuard(a: bigint, b: bigint): bigint {
  if (a === 0n) return 0n;
  return MAX_U64 / a < b ? MAX_U64 : a * b;
}

/** extractMaxElements: the factor by which a node multiplies the cardinality of its children. */
function maxElements(s: JSONSchemaProps): Cardinality {
  const nonNegative = (n: number) => BigInt(Math.max(0, Math.trunc(n)));
  if (s.type === 'object') {
    if (s.additionalProperties === undefined || s.additionalProperties === null) return 1n;
    return typeof s.maxProperties === 'number' ? nonNegative(s.maxProperties) : null;
  }
  if (s.type === 'array') return typeof s.maxItems === 'number' ? nonNegative(s.maxItems) : null;
  return 1n;
}

/** The cardinality of a child (property, additionalProperties or items) of `parent`. */
export function childCardinality(parent: JSONSchemaProps, card: Cardinality): Cardinality {
  if (card === null) return null;
  const m = maxElements(parent);
  return m === null ? null : mulGuard(card, m);
}

/** getExpressionCost: the bound from the schema when there is one, else the worst case from the request size. */
export function expressionCost(maxCost: bigint, card: Cardinality, worstCaseCardinality: bigint): bigint {
  return mulGuard(maxCost, card ?? worstCaseCardinality);
}

export const perExpressionCostError = (field: string, what: 'rule' | 'messageExpression', cost: bigint): FieldError | undefined =>
  cost > STATIC_ESTIMATED_COST_LIMIT ? forbiddenField(field, costErrorMessage(`estimated ${what} cost`, cost, STATIC_ESTIMATED_COST_LIMIT)) : undefined;

/** The estimated cost of all rules of one schema and the (at most 4) most expensive ones. */
export class TotalCost {
  total = 0n;
  mostExpensive: { path: string; cost: bigint }[] = [];

  observe(path: string, cost: bigint): void {
    this.total = MAX_U64 - this.total < cost ? MAX_U64 : this.total + cost;
    // rules below 1% of the schema-wide limit are never named
    if (cost < STATIC_ESTIMATED_CRD_COST_LIMIT / 100n) return;
    this.mostExpensive.push({ path, cost });
    this.mostExpensive.sort((a, b) => (a.cost > b.cost ? -1 : a.cost < b.cost ? 1 : 0));
    this.mostExpensive.length = Math.min(this.mostExpensive.length, 4);
  }

  /** The errors when the total exceeds the limit: each big contributor, then the schema itself. */
  errors(schemaPath: string): FieldError[] {
    if (this.total <= STATIC_ESTIMATED_CRD_COST_LIMIT) return [];
    return [
      ...this.mostExpensive.map((e) => forbiddenField(e.path, 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema')),
      forbiddenField(schemaPath, costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', this.total, STATIC_ESTIMATED_CRD_COST_LIMIT)),
    ];
  }
}
