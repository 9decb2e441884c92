import { DOCS, type DocKey } from './docs.js';
import type { ColumnDefinition } from './types.js';

export function col(name: string, type: ColumnDefinition['type'], description: string, priority = 0, format = ''): ColumnDefinition {
  return { name, type, format, description, priority };
}

/** Column whose description is an API field doc. */
export function docCol(name: string, type: ColumnDefinition['type'], key: DocKey, priority = 0, format = ''): ColumnDefinition {
  return col(name, type, DOCS[key], priority, format);
}

export const nameColumn = (): ColumnDefinition => docCol('Name', 'string', 'ObjectMeta.name', 0, 'name');
export const ageColumn = (): ColumnDefinition => docCol('Age', 'string', 'ObjectMeta.creationTimestamp');
export const containersColumn = (priority = 1): ColumnDefinition =>
  col('Containers', 'string', 'Names of each container in the template.', priority);
export const imagesColumn = (priority = 1): ColumnDefinition =>
  col('Images', 'string', 'Images referenced by each container in the template.', priority);
