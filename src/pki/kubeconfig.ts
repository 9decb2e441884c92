import { dirname } from 'node:path';
import { ensureDir, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';

export interface KubeconfigInput {
  /** Name of the cluster, and of the user and context unless they are named apart. */
  name: string;
  userName?: string;
  contextName?: string;
  /** API server URL, e.g. https://127.0.0.1:6443. */
  server: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

/** A kubeconfig with one cluster, user and context (all named `name` unless told otherwise), credentials embedded as base64 data. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const { name } = input;
  const user = input.userName ?? name;
  const context = input.contextName ?? name;
  if (!name) throw new Error('renderKubeconfig: name is required');
  const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
  // a fixed shape, so it is written directly: loading a YAML library would cost start-up time
  const q = (v: string) => (/^[A-Za-z0-9._:/@-]+$/.test(v) && !/^(true|false|null|yes|no|on|off|~|[-+.\d].*)$/i.test(v) ? v : JSON.stringify(v));
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `  - name: ${q(name)}`,
    '    cluster:',
    `      server: ${q(input.server)}`,
    `      certificate-authority-data: ${b64(input.caPem)}`,
    'users:',
    `  - name: ${q(user)}`,
    '    user:',
    `      client-certificate-data: ${b64(input.clientCertPem)}`,
    `      client-key-data: ${b64(input.clientKeyPem)}`,
    'contexts:',
    `  - name: ${q(context)}`,
    '    context:',
    `      cluster: ${q(name)}`,
    `      user: ${q(user)}`,
    `current-context: ${q(context)}`,
    'preferences: {}',
    '',
  ].join('\n');
}

/** Writes a kubeconfig atomically (temp file + rename) with mode 0600, creating parent directories. */
export async function writeKubeconfig(path: string, content: string): Promise<void> {
  await ensureDir(dirname(path), 0o700);
  await writeFileAtomic(path, content, 0o600);
}

/** writeKubeconfig without yielding (mode 0600, directories 0700). */
export function writeKubeconfigSync(path: string, content: string): void {
  writeFileAtomicSync(path, content, 0o600);
}
