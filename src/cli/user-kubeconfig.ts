// `minikapi kubeconfig --user <name> --group <g>...`: a client certificate from the cluster CA and a kubeconfig for it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueClientCert, PKI_FILES, renderKubeconfig } from '../pki/index.js';

export interface UserKubeconfigInput {
  /** The cluster name (names the cluster entry). */
  cluster: string;
  dataDir: string;
  /** The cluster's own kubeconfig, where the server address is read from. */
  kubeconfigPath: string;
  user: string;
  groups: string[];
  days?: number;
}

/** A kubeconfig whose user is `user` in `groups` (CN and O of a certificate signed by the cluster CA). */
export function userKubeconfig(input: UserKubeconfigInput): string {
  if (!input.user) throw new Error('--user must not be empty');
  const pki = join(input.dataDir, 'pki');
  const caCert = join(pki, PKI_FILES.caCert);
  const caKey = join(pki, PKI_FILES.caKey);
  if (!existsSync(caCert) || !existsSync(caKey)) throw new Error(`no cluster CA in ${pki}; start the cluster first with: minikapi up --name ${input.cluster}`);
  if (!existsSync(input.kubeconfigPath)) throw new Error(`no kubeconfig for cluster "${input.cluster}" at ${input.kubeconfigPath}; start it with: minikapi up --name ${input.cluster}`);
  const server = /^\s+server:\s*(\S+)\s*$/m.exec(readFileSync(input.kubeconfigPath, 'utf8'))?.[1]?.replace(/^"(.*)"$/, '$1');
  if (!server) throw new Error(`${input.kubeconfigPath} names no server`);
  const ca = { certPem: readFileSync(caCert, 'utf8'), keyPem: readFileSync(caKey, 'utf8') };
  const cert = issueClientCert(ca, { commonName: input.user, organizations: input.groups, days: input.days });
  return renderKubeconfig({ name: input.cluster, userName: input.user, contextName: `${input.user}@${input.cluster}`, server, caPem: ca.certPem, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem });
}
