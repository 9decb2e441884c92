// metav1.Time and metav1.MicroTime as Go prints them: RFC 3339 in UTC, to the second or to the microsecond.

export const rfc3339 = (ms: number = Date.now()): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const microTime = (ms: number = Date.now()): string => new Date(ms).toISOString().replace(/Z$/, '000Z');
