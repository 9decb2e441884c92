import assert from 'node:assert/strict';
import type { TablePrinter } from './types.js';

export const NOW = Date.parse('2025-06-01T12:00:00Z');

/** RFC3339 timestamp `ms` milliseconds before NOW. */
export function ago(ms: number): string {
  return new Date(NOW - ms).toISOString().replace(/\.000Z$/, 'Z');
}

export const S = 1000;
export const M = 60 * S;
export const H = 60 * M;
export const D = 24 * H;

/** Asserts column names and priorities (and type/format where given as "name:type:format") against a literal list. */
export function assertColumns(p: TablePrinter, expected: [string, number, string?][]): void {
  assert.deepEqual(
    p.columns.map((c) => [c.name, c.priority, `${c.type}${c.format ? `/${c.format}` : ''}`]),
    expected.map(([n, prio, t]) => [n, prio, t ?? 'string']),
  );
  for (const c of p.columns) assert.equal(typeof c.description, 'string');
}

export function cells(p: TablePrinter, o: unknown): unknown[] {
  const row = p.row(o, NOW);
  assert.equal(row.cells.length, p.columns.length, 'one cell per column');
  return row.cells;
}
