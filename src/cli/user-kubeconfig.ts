// `minikapi kubeconfig --user alice --group devs`: a client certificate for that user, signed by the
// cluster CA, in a kubeconfig of its own — to try RBAC without the CSR round trip.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueClientCert } from '../pki/certs.js';
import { PKI_FILES, renderKubeconfig } from '../pki/index.js';

/** The kubeconfig text, or an Error saying what is missing. */
export function userKubeconfig(dir: string, cluster: string, user: string, groups: string[]): string {
  const caCert = join(dir, 'pki', PKI_FILES.caCert);
  const caKey = join(dir, 'pki', PKI_FILES.caKey);
  if (!existsSync(caCert) || !existsSync(caKey)) throw new Error(`no cluster CA in ${join(dir, 'pki')}; start the cluster first: minikapi up --name ${cluster}`);
  let server: string | undefined;
  const state = join(dir, 'minikapi.json');
  if (existsSync(state)) server = (JSON.parse(readFileSync(state, 'utf8')) as { url?: string }).url;
  if (!server && existsSync(join(dir, 'kubeconfig'))) server = /^\s*server:\s*(\S+)/m.exec(readFileSync(join(dir, 'kubeconfig'), 'utf8'))?.[1];
  if (!server) throw new Error(`cluster "${cluster}" has no recorded address; start it first: minikapi up --name ${cluster}`);
  const ca = { certPem: readFileSync(caCert, 'utf8'), keyPem: readFileSync(caKey, 'utf8') };
  const cert = issueClientCert(ca, { commonName: user, organizations: groups });
  return renderKubeconfig({ name: cluster, userName: user, contextName: `${user}@${cluster}`, server, caPem: ca.certPem, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem });
}
