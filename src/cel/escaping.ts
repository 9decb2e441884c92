// Property names as CEL identifiers (k8s.io/apiserver/pkg/cel/escaping.go): __dash__, __dot__, __slash__,
// __underscores__, and __keyword__ for reserved words.

export const RESERVED_SYMBOLS = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let',
  'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** The CEL identifier for a property name, or undefined when the name cannot be escaped. */
export function escapeName(ident: string): string | undefined {
  if (ident.length === 0 || (ident[0] >= '0' && ident[0] <= '9')) return undefined;
  if (RESERVED_SYMBOLS.has(ident)) return `__${ident}__`;
  if (!/^[A-Za-z0-9_.\-/]*$/.test(ident)) return undefined;
  return ident.replace(/__|[-./]/g, (m) => ({ __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' })[m]!);
}

/** The property name an escaped identifier stands for, or undefined for an invalid escape. */
export function unescapeName(escaped: string): string | undefined {
  let ok = true;
  const out = escaped.replace(/__[^_]+__/g, (m) => {
    const inner = m.slice(2, -2);
    switch (inner) {
      case 'underscores':
        return '__';
      case 'dot':
        return '.';
      case 'dash':
        return '-';
      case 'slash':
        return '/';
    }
    if (RESERVED_SYMBOLS.has(inner)) {
      if (m.length !== escaped.length) ok = false;
      return inner;
    }
    ok = false;
    return '';
  });
  return ok ? out : undefined;
}
