
export type { ColumnDefinition, TablePrinter, TableRowCondition, TableRowData } from './types.js';
export { defaultPrinter } from './default.js';
export { humanDuration, translateTimestampSince } from './util.js';
