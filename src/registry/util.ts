import { nowRFC3339 as fieldManagerNow } from '../apimachinery/managedfields/field-manager.js';
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5 random characters upstream appends to metadata.generateName. */
export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

/** metav1.Now() as JSON prints it: RFC 3339 to the second, UTC (formatted once a second). */
export function nowRFC3339(): string {
  return fieldManagerNow();
}
