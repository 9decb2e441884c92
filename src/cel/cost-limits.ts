// The static cost limits of CEL expressions and their error text, apart from the estimator so that checks of totals need not load it.
export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000n;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000n;

/** apiextensions' getCostErrorMessage. */
export function costErrorMessage(costName: string, cost: bigint, limit: bigint): string {
  const exceed = Number(cost) / Number(limit);
  const f = exceed > 100 ? 'more than 100x' : exceed < 1.5 ? `${exceed.toFixed(6)}x` : `${exceed.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${f} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}
