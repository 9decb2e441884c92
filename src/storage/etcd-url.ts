// The storage URL of an etcd cluster: etcd://host1:2379,host2:2379[?prefix=/p] (etcds:// for TLS).

export interface EtcdUrl {
  /** Client URLs as the etcd3 client takes them (http:// or https://). */
  endpoints: string[];
  /** Prepended to every key (default none: keys are /registry/...). */
  prefix: string;
  tls: boolean;
}

export function isEtcdUrl(s: string): boolean {
  return /^etcds?:\/\//.test(s);
}

export function parseEtcdUrl(url: string): EtcdUrl {
  const m = /^(etcds?):\/\/([^/?#]+)\/?(?:\?([^#]*))?$/.exec(url);
  if (!m) throw new TypeError(`invalid etcd storage URL "${url}": expected etcd://host:port[,host:port...][?prefix=/path]`);
  const tls = m[1] === 'etcds';
  const endpoints = m[2]!.split(',').map((h) => h.trim());
  for (const h of endpoints) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(h)) throw new TypeError(`invalid etcd endpoint "${h}" in "${url}": expected host:port`);
  }
  const query = new URLSearchParams(m[3] ?? '');
  for (const k of query.keys()) if (k !== 'prefix') throw new TypeError(`unknown parameter "${k}" in etcd storage URL "${url}" (only prefix is known)`);
  const prefix = (query.get('prefix') ?? '').replace(/\/+$/, '');
  if (prefix && !prefix.startsWith('/')) throw new TypeError(`the prefix in "${url}" must start with "/"`);
  return { endpoints: endpoints.map((h) => `${tls ? 'https' : 'http'}://${h}`), prefix, tls };
}
