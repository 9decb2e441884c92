export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

// reason/message are optional extras that upstream sets on pod "Completed" row conditions.
export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRowData {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

export interface TablePrinter {
  columns: ColumnDefinition[];
  row(obj: any, now: number /* ms epoch */): TableRowData;
  /** Optional list order upstream imposes on rows (only flowschemas have one); items keep storage order otherwise. */
  compare?(a: any, b: any): number;
}
