// The error a policy denial answers with: admission.NewForbidden's message and details, with the reason
// (and so the code) of the validation that failed, and the message once more as a cause.
import { StatusError, type StatusCause } from '../../../apimachinery/errors.js';
import type { AdmissionAttributes, KObject } from '../../../registry/types.js';

const REASON_CODES: Record<string, number> = { Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413, Invalid: 422 };

export interface Denial {
  policy: string;
  binding?: string;
  message: string;
  reason?: string;
}

/** The first denial as the request's error. */
export function denied(a: AdmissionAttributes, obj: KObject | undefined, d: Denial): StatusError {
  const message = d.binding !== undefined
    ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
    : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  const name = a.name || obj?.metadata?.name || obj?.metadata?.generateName || 'Unknown';
  const resource = a.def.group ? `${a.def.resource}.${a.def.group}` : a.def.resource;
  const reason = d.reason || 'Invalid';
  const causes: StatusCause[] = [{ message }];
  return new StatusError(REASON_CODES[reason] ?? 422, reason, `${resource} "${name}" is forbidden: ${message}`, { name, group: a.def.group, kind: a.def.resource, causes });
}
