// Key ranges shared by every backend: a prefix ending in '/' selects a subtree, anything else one key.

/** Smallest string greater than every string starting with prefix (byte order; '' selects everything). */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return String.fromCodePoint(0x10ffff);
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** The [lo, hi) name range a list reads: keys under prefix, strictly after startAfter when given. */
export function listRange(prefix: string, startAfter?: string): { lo: string; hi: string } {
  const hi = prefixEnd(prefix);
  // key + '\0' is the immediate successor of key, so "> startAfter" becomes ">= lo".
  const lo = startAfter !== undefined && startAfter >= prefix ? startAfter + '\0' : prefix;
  return { lo, hi };
}

export interface KeyMatch {
  /** The watched key, or the prefix when exact is false. */
  key: string;
  exact: boolean;
}

export function keyMatch(prefix: string): KeyMatch {
  return { key: prefix, exact: !prefix.endsWith('/') && prefix !== '' };
}

export function matches(m: KeyMatch, key: string): boolean {
  return m.exact ? key === m.key : key.startsWith(m.key);
}
