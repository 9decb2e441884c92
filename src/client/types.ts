// The client interface controllers use: what a remote program would do over HTTPS, so that a controller
// runs the same against minikapi in-process, a remote minikapi or any cluster.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type KObject = Record<string, any>;

/** Group, version and resource, and whether it lives in namespaces. */
export interface GVR {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export interface ListOptions {
  /** Only each object's metadata (PartialObjectMetadata), as client-go's metadata client asks. */
  metadataOnly?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions {
  metadataOnly?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /** Server-side apply: take over conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ClientWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KObject;
}

export interface ClientWatch {
  stop(): void;
  /** Resolves when the stream ends, for whatever reason. */
  done: Promise<void>;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
}

export interface DiscoveredResource extends GVR {
  kind: string;
  verbs: string[];
}

export interface Client {
  /** Every resource the server serves, in each group's preferred version (aggregated discovery). */
  discover(): Promise<DiscoveredResource[]>;
  get(r: GVR, ns: string, name: string, subresource?: string): Promise<KObject>;
  list(r: GVR, ns: string, opts?: ListOptions): Promise<ListResult>;
  watch(r: GVR, ns: string, opts: WatchOptions, onEvent: (ev: ClientWatchEvent) => void): ClientWatch;
  create(r: GVR, ns: string, obj: KObject, opts?: WriteOptions): Promise<KObject>;
  /** PUT of the object (or of its subresource, e.g. status). */
  update(r: GVR, ns: string, obj: KObject, opts?: WriteOptions & { subresource?: string }): Promise<KObject>;
  patch(r: GVR, ns: string, name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: string }): Promise<KObject>;
  delete(r: GVR, ns: string, name: string, opts?: DeleteOptions): Promise<KObject>;
  deleteCollection(r: GVR, ns: string, opts?: DeleteOptions & { labelSelector?: string }): Promise<KObject>;
  /** POST to a subresource (pods/binding, pods/eviction, serviceaccounts/token). */
  post(r: GVR, ns: string, name: string, subresource: string, body: KObject): Promise<KObject>;
}
