// Programmatic API for test runners: `const c = await startCluster({ port: 0, storage: 'memory' })`.
export { startCluster, defaultDataDir, StartupError, type Cluster, type ClusterOptions } from './server/index.js';
export { KUBERNETES_VERSION } from './server/version.js';
