// Modules only some requests need, loaded on first use so that start-up stays fast.
import type * as YAML from 'yaml';

let yamlModule: typeof YAML | undefined;

export async function loadYAML(): Promise<typeof YAML> {
  return (yamlModule ??= await import('yaml'));
}

/** The YAML module; callers reach it only after `loadYAML()` ran for the request (see the app's filter). */
export function yaml(): typeof YAML {
  if (!yamlModule) throw new Error('yaml module not loaded');
  return yamlModule;
}

/**
 * YAML to a plain value as Go's yaml decoder sees it: an anchor whose value contains an alias to itself
 * is refused (the library would build a cyclic structure) with go-yaml's words.
 */
export function parseYAML(text: string, opts: { uniqueKeys?: boolean } = {}): unknown {
  const y = yaml();
  const doc = y.parseDocument(text, { uniqueKeys: opts.uniqueKeys });
  if (doc.errors.length) throw doc.errors[0];
  y.visit(doc, {
    Alias(_, node, path) {
      const target = node.resolve(doc);
      if (target && path.includes(target)) throw new Error(`yaml: anchor '${node.source}' value contains itself`);
    },
  });
  return doc.toJS({ maxAliasCount: 100 });
}
