import type { HttpBindings } from '@hono/node-server';
import type { RequestInfo } from './request-info.js';
import type { UserInfo } from '../auth/types.js';
import type { AuditRecord } from './audit/audit.js';
import type { Classification } from './flowcontrol/classifier.js';
import type { TransportEnv } from '../client/watch-lines.js';

export type Env = {
  // a loopback request carries no node request or response, perhaps where its watch events go
  Bindings: HttpBindings & TransportEnv;
  Variables: {
    requestInfo: RequestInfo;
    user: UserInfo;
    warnings: string[];
    /** The request's Audit-ID (echoed in the Audit-Id response header). */
    auditID: string;
    /** Set when the audit policy logs this request. */
    audit?: AuditRecord;
    /** The FlowSchema and priority level API Priority and Fairness put the request in. */
    flowControl?: Classification;
  };
};
