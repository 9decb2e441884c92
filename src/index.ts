// Programmatic API for test runners: `const c = await startCluster()` is an isolated cluster (free port,
// memory storage, private temporary data dir) until `await c.stop()`.
export { startCluster, type Cluster } from './test-cluster.js';
export { defaultDataDir, StartupError, type ClusterOptions } from './server/index.js';
export { KUBERNETES_VERSION } from './server/version.js';
