import { CORE_DOCS } from './docs-core.js';
import { APPS_DOCS } from './docs-apps.js';
import { INFRA_DOCS } from './docs-infra.js';

export const DOCS = { ...CORE_DOCS, ...APPS_DOCS, ...INFRA_DOCS };
export type DocKey = keyof typeof DOCS;
