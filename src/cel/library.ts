// Everything of the CEL compiler and evaluator that code outside src/cel calls, loaded as one unit by lazy.ts.
export { CRD_RULE, compile, uniqueSelfTypeName } from './compile.js';
export { COST_LIMIT_EXCEEDED, PER_CALL_LIMIT, RUNTIME_CEL_COST_BUDGET, RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS, celValue, evaluate, lazyVariables } from './evaluate.js';
export { estimateCost, maxCardinality } from './cost-estimate.js';
export { PolicyCompiler } from './admission-policy.js';
export { AuthorizerValue, requestResourceCheck } from './lib-authz.js';
