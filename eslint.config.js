// Lint: the layer rules of DESIGN.md (imports only point down) on top of the TypeScript parser.
import tseslint from 'typescript-eslint';

// lowest first; a layer may import the layers before it, never those after
const LAYERS = ['pki', 'storage', 'schema', 'apimachinery', 'apiextensions', 'registry', 'client', 'controllers', 'auth', 'admission', 'apiserver', 'openapi', 'server', 'cli'];
// openapi is served by the apiserver: the two may use each other
const PEERS = { apiserver: ['openapi'], openapi: ['apiserver'] };

function forbiddenFor(layer) {
  const above = LAYERS.slice(LAYERS.indexOf(layer) + 1).filter((l) => !(PEERS[layer] ?? []).includes(l));
  // shapes of users and authorizers are types every layer may name
  const patterns = above.map((l) => `**/${l}/**`);
  if (above.includes('auth')) patterns.push('!**/auth/types.js');
  return [{ group: patterns, message: `${layer}/ sits below ${above.join(', ')} (DESIGN.md: imports only point down)` }];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/schema/generated/**'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { 'no-debugger': 'error', 'no-dupe-keys': 'error', 'no-unreachable': 'error' },
  },
  ...LAYERS.filter((l) => l !== 'cli').map((layer) => ({
    files: [`src/${layer}/**/*.ts`],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: forbiddenFor(layer) }] },
  })),
);
