// jose (some 45 modules) loads with the first service-account token signed or verified, not with every start.
let loading: Promise<typeof import('jose')> | undefined;

export function jose(): Promise<typeof import('jose')> {
  return (loading ??= import('jose'));
}
