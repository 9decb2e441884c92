export {
  ADMIN_COMMON_NAME,
  ADMIN_ORGANIZATION,
  CA_COMMON_NAME,
  FIRST_SERVICE_IP,
  createCa,
  generateServiceAccountKeyPair,
  issueClientCert,
  issueServingCert,
  jwsAlgorithmForKey,
  leafIsUsable,
  servingCertCovers,
  servingNames,
  type CaOptions,
  type CertAndKey,
  type CertificateAuthority,
  type ClientCertOptions,
  type KeyPairPem,
  type ServingCertOptions,
} from './certs.js';
export { ensurePki, PKI_FILES, type EnsurePkiOptions, type Pki } from './ensure-pki.js';
export { renderKubeconfig, writeKubeconfig, writeKubeconfigSync, type KubeconfigInput } from './kubeconfig.js';
export { writeFileAtomic } from './atomic-write.js';
