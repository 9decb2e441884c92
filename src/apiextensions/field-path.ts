// field.Path string building as k8s.io/apimachinery prints it: `a.b`, `a[key]`, `a[0]`.

export const child = (p: string, ...names: string[]): string => (p ? [p, ...names].join('.') : names.join('.'));
export const key = (p: string, k: string): string => `${p}[${k}]`;
export const index = (p: string, i: number): string => `${p}[${i}]`;
