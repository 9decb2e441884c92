// Objects served to kubectl 1.33 by kubectl.test.ts, in the canonical JSON form Go would print them.
// The rich CronJob's job template exercises (nearly) every PodSpec field kubectl 1.33 knows.

const podSpec = {
  volumes: [
    { name: 'empty', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
    { name: 'cm', configMap: { name: 'cfg', items: [{ key: 'k', path: 'p', mode: 256 }], defaultMode: 420, optional: false } },
    { name: 'sec', secret: { secretName: 's', items: [{ key: 'a', path: 'b' }], defaultMode: 384, optional: true } },
    { name: 'proj', projected: { sources: [
      { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
      { configMap: { name: 'cfg', items: [{ key: 'k', path: 'k' }], optional: false } },
      { secret: { name: 's' } },
      { downwardAPI: { items: [
        { path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } },
        { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
      ] } },
      { clusterTrustBundle: { signerName: 'example.com/signer', labelSelector: { matchLabels: { a: 'b' } }, optional: true, path: 'ca.pem' } },
    ], defaultMode: 420 } },
    { name: 'pvc', persistentVolumeClaim: { claimName: 'data', readOnly: true } },
    { name: 'eph', ephemeral: { volumeClaimTemplate: { metadata: { labels: { t: 'x' } }, spec: {
      accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'fast', volumeMode: 'Filesystem',
      dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap', namespace: 'other' },
      volumeAttributesClassName: 'gold',
    } } } },
    { name: 'csi', csi: { driver: 'csi.example.com', readOnly: true, fsType: 'ext4', volumeAttributes: { size: 'small' },
      nodePublishSecretRef: { name: 'csi-secret' } } },
    { name: 'nfs', nfs: { server: 'nfs.example.com', path: '/exports', readOnly: true } },
    { name: 'dapi', downwardAPI: { items: [{ path: 'name', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' }, mode: 292 }], defaultMode: 420 } },
    { name: 'img', image: { reference: 'quay.io/x/y:1', pullPolicy: 'IfNotPresent' } },
    { name: 'iscsi', iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0, iscsiInterface: 'default',
      fsType: 'ext4', readOnly: true, portals: ['10.0.0.2:3260'], chapAuthDiscovery: true, secretRef: { name: 'chap' }, initiatorName: 'iqn.x' } },
    { name: 'rbd', rbd: { monitors: ['1.2.3.4:6789'], image: 'img', pool: 'rbd', user: 'admin', keyring: '/etc/ceph/keyring', secretRef: { name: 'ceph' } } },
    { name: 'azd', azureDisk: { diskName: 'd', diskURI: 'uri', cachingMode: 'ReadOnly', fsType: 'ext4', readOnly: false, kind: 'Managed' } },
    { name: 'fc', fc: { targetWWNs: ['500a0982991b8dc5'], lun: 2, fsType: 'ext4' } },
    { name: 'gce', gcePersistentDisk: { pdName: 'disk', fsType: 'ext4', partition: 1, readOnly: true } },
    { name: 'git', gitRepo: { repository: 'https://example.com/r.git', revision: 'main', directory: '.' } },
  ],
  initContainers: [{ name: 'sidecar', image: 'envoy', restartPolicy: 'Always', resources: {},
    startupProbe: { grpc: { port: 9901, service: 'health' }, failureThreshold: 30 } }],
  containers: [
    {
      name: 'main', image: 'app:1', command: ['/app'], args: ['--v=2'], workingDir: '/work',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { hostPort: 5353, containerPort: 53, protocol: 'UDP', hostIP: '0.0.0.0' }],
      envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg', optional: true } }, { secretRef: { name: 's' } }],
      env: [
        { name: 'PLAIN', value: 'v' },
        { name: 'EMPTY' },
        { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '0' } } },
        { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k', optional: false } } },
        { name: 'SEC', valueFrom: { secretKeyRef: { name: 's', key: 'a' } } },
      ],
      resources: { limits: { cpu: '500m', memory: '256Mi', 'example.com/gpu': '1' }, requests: { cpu: '100m', memory: '128Mi' },
        claims: [{ name: 'gpu', request: 'r1' }] },
      resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
      volumeMounts: [
        { name: 'cm', readOnly: true, mountPath: '/etc/cfg', subPath: 'sub', mountPropagation: 'HostToContainer' },
        { name: 'empty', recursiveReadOnly: 'Disabled', mountPath: '/tmp', subPathExpr: '$(POD)' },
      ],
      volumeDevices: [{ name: 'pvc', devicePath: '/dev/xvda' }],
      livenessProbe: { httpGet: { path: '/healthz', port: 'http', host: 'localhost', scheme: 'HTTPS', httpHeaders: [{ name: 'X-A', value: 'b' }] },
        initialDelaySeconds: 5, timeoutSeconds: 2, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, terminationGracePeriodSeconds: 15 },
      readinessProbe: { tcpSocket: { port: 8080, host: '127.0.0.1' } },
      startupProbe: { exec: { command: ['cat', '/ready'] } },
      lifecycle: { postStart: { exec: { command: ['echo', 'hi'] } }, preStop: { sleep: { seconds: 5 } }, stopSignal: 'SIGUSR1' },
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'FallbackToLogsOnError', imagePullPolicy: 'Always',
      securityContext: {
        capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: false, seLinuxOptions: { user: 'u', role: 'r', type: 't', level: 's0' },
        windowsOptions: { gmsaCredentialSpecName: 'g', runAsUserName: 'ContainerUser', hostProcess: false },
        runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
        procMount: 'Default', seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' }, appArmorProfile: { type: 'RuntimeDefault' },
      },
      stdin: true, stdinOnce: true, tty: true,
    },
    { name: 'second', image: 'b', resources: {}, readinessProbe: { grpc: { port: 50051, service: null } },
      lifecycle: { preStop: { httpGet: { path: '/stop', port: 80 } } } },
  ],
  ephemeralContainers: [{ name: 'debug', image: 'busybox', resources: {}, stdin: true, targetContainerName: 'main' }],
  restartPolicy: 'OnFailure', terminationGracePeriodSeconds: 45, activeDeadlineSeconds: 900, dnsPolicy: 'ClusterFirstWithHostNet',
  nodeSelector: { 'kubernetes.io/os': 'linux' }, serviceAccountName: 'runner', automountServiceAccountToken: false,
  hostNetwork: true, hostPID: true, shareProcessNamespace: true,
  securityContext: {
    seLinuxOptions: { level: 's0:c1' }, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, supplementalGroups: [4000, 5000],
    supplementalGroupsPolicy: 'Strict', fsGroup: 2000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
    fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-apparmor' }, seLinuxChangePolicy: 'MountOption',
  },
  imagePullSecrets: [{ name: 'regcred' }], hostname: 'h', subdomain: 'sub',
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }],
        matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n9'] }],
      }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'ssd', operator: 'Exists' }] } }],
    },
    podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, namespaces: ['data'],
      topologyKey: 'kubernetes.io/hostname', namespaceSelector: {}, matchLabelKeys: ['pod-template-hash'] }] },
    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: {
      labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['rich'] }] }, topologyKey: 'zone', mismatchLabelKeys: ['x'],
    } }] },
  },
  schedulerName: 'custom',
  tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute', tolerationSeconds: 30 }, { operator: 'Exists' }],
  hostAliases: [{ ip: '10.1.1.1', hostnames: ['a.local'] }], priorityClassName: 'high', priority: 0,
  dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
  readinessGates: [{ conditionType: 'example.com/ready' }], runtimeClassName: 'gvisor', enableServiceLinks: false, preemptionPolicy: 'Never',
  overhead: { cpu: '250m' },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'rich' } },
    minDomains: 2, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore', matchLabelKeys: ['pod-template-hash'] }],
  setHostnameAsFQDN: true, os: { name: 'linux' }, hostUsers: false, schedulingGates: [{ name: 'example.com/gate' }],
  resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu-template' }],
  resources: { limits: { cpu: '2', memory: '1Gi' } },
};

export const richJobSpec = {
  parallelism: 2, completions: 4, activeDeadlineSeconds: 600,
  podFailurePolicy: { rules: [
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42, 43] } },
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
  ] },
  successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 1 }] },
  backoffLimit: 0, backoffLimitPerIndex: 1, maxFailedIndexes: 2,
  selector: { matchLabels: { x: 'y' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }] },
  manualSelector: false,
  template: { metadata: { labels: { app: 'rich' }, annotations: { a: 'b' } }, spec: podSpec },
  ttlSecondsAfterFinished: 0, completionMode: 'Indexed', suspend: false, podReplacementPolicy: 'Failed', managedBy: 'kubernetes.io/job-controller',
};

export const richCronJob = {
  kind: 'CronJob', apiVersion: 'batch/v1',
  metadata: { name: 'rich', namespace: 'default', uid: 'cj-uid-1', resourceVersion: '7' },
  spec: { schedule: '*/5 * * * *', jobTemplate: { metadata: { labels: { tier: 'batch' }, annotations: { team: 'x' } }, spec: richJobSpec } },
  status: {},
};

export const csrFixture = {
  kind: 'CertificateSigningRequest', apiVersion: 'certificates.k8s.io/v1',
  metadata: {
    name: 'csr1', uid: 'csr-uid', resourceVersion: '42', generation: 3, creationTimestamp: '2024-01-02T03:04:05Z',
    labels: { a: 'b' }, annotations: { note: 'x' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid', controller: false, blockOwnerDeletion: true }],
    finalizers: ['example.com/f'],
    managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'certificates.k8s.io/v1', time: '2024-01-02T03:04:05Z',
      fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:request': {} } } }],
  },
  spec: {
    request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n').toString('base64'),
    signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400, usages: ['client auth'],
    username: 'alice', uid: 'alice-uid', groups: ['devs'], extra: { scopes: ['a', 'b'] },
  },
  status: {},
};

export const webDeployment = {
  kind: 'Deployment', apiVersion: 'apps/v1',
  metadata: { name: 'web', namespace: 'default', uid: 'web-uid' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: {} }] } } },
  status: {},
};

export const node = (name: string) => ({ kind: 'Node', apiVersion: 'v1', metadata: { name, uid: `${name}-uid` }, spec: {}, status: {} });

export const podOn = (nodeName: string) => ({
  kind: 'Pod', apiVersion: 'v1',
  metadata: { name: `p-${nodeName}`, namespace: 'default', uid: `p-${nodeName}-uid` },
  spec: { nodeName, containers: [{ name: 'c', image: 'i', resources: {} }] },
  status: { phase: 'Running' },
});

// Fed to `kubectl auth reconcile`, which creates each object through the typed RBAC client.
export const rbacManifests = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring, labels: {rbac.example.com/aggregate: "true"}, annotations: {a: b}}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
    matchExpressions: [{key: tier, operator: In, values: [a, b]}]
rules:
- {verbs: [get, list], apiGroups: ["", metrics.k8s.io], resources: [pods, nodes], resourceNames: [a]}
- {verbs: [get], nonResourceURLs: [/metrics]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: monitoring}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: sre}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: team}
rules: [{verbs: [get, watch], apiGroups: [apps], resources: [deployments/scale]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: team}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: alice}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
`;
