// Polls until a check yields a value (anything but undefined or false), or fails loudly naming what it waited for.
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000, intervalMs = 50): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
