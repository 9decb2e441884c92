// Service cluster IP and node port allocation. The set of used values is read from storage on
// each allocation so that several processes sharing one store never hand out the same value twice
// for long; a conflicting value is rejected with upstream's messages.
import { StatusError } from '../apimachinery/errors.js';

/** A requested value that cannot be had; the strategy turns it into a field error on the right path. */
export class AllocationError extends Error {}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}
function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export class IPAllocator {
  readonly first: number;
  readonly size: number;
  private pending = new Set<string>();
  constructor(
    readonly cidr: string,
    private readonly used: () => Promise<string[]>,
  ) {
    const [base, bitsS] = cidr.split('/');
    const bits = Number(bitsS);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    this.first = ((ipToInt(base) & mask) >>> 0) + 1;
    this.size = 2 ** (32 - bits) - 2;
  }

  /** The first usable address (the `kubernetes` service's). */
  get firstIP(): string {
    return intToIp(this.first);
  }

  contains(ip: string): boolean {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
    const n = ipToInt(ip);
    return n >= this.first && n < this.first + this.size;
  }

  async allocate(requested?: string): Promise<string> {
    const inUse = new Set(await this.used());
    for (const p of this.pending) inUse.add(p);
    if (requested) {
      if (requested === 'None') return requested;
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(requested))
        throw new AllocationError('must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
      if (!this.contains(requested))
        throw new AllocationError(`failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
      if (inUse.has(requested))
        throw new AllocationError(`failed to allocate IP ${requested}: provided IP is already allocated`);
      return this.hold(requested);
    }
    // start past the first address, which belongs to the kubernetes service
    const start = 1 + Math.floor(Math.random() * (this.size - 1));
    for (let i = 0; i < this.size - 1; i++) {
      const n = this.first + 1 + ((start + i) % (this.size - 1));
      const ip = intToIp(n);
      if (!inUse.has(ip)) return this.hold(ip);
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
  }

  private hold(ip: string): string {
    this.pending.add(ip);
    setTimeout(() => this.pending.delete(ip), 5000).unref();
    return ip;
  }

  release(ip: string): void {
    this.pending.delete(ip);
  }
}

export class PortAllocator {
  readonly min: number;
  readonly max: number;
  private pending = new Set<number>();
  constructor(
    readonly range: string,
    private readonly used: () => Promise<number[]>,
  ) {
    const [a, b] = range.split('-').map(Number);
    this.min = a;
    this.max = b;
  }

  async allocate(requested?: number): Promise<number> {
    const inUse = new Set(await this.used());
    for (const p of this.pending) inUse.add(p);
    if (requested) {
      if (requested < this.min || requested > this.max)
        throw new AllocationError(`provided port is not in the valid range. The range of valid ports is ${this.range}`);
      if (inUse.has(requested))
        throw new AllocationError('provided port is already allocated');
      return this.hold(requested);
    }
    const span = this.max - this.min + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const p = this.min + ((start + i) % span);
      if (!inUse.has(p)) return this.hold(p);
    }
    throw new StatusError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
  }

  private hold(p: number): number {
    this.pending.add(p);
    setTimeout(() => this.pending.delete(p), 5000).unref();
    return p;
  }

  release(p: number): void {
    this.pending.delete(p);
  }
}
