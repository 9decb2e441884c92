import type { HttpBindings } from '@hono/node-server';
import type { RequestInfo } from './request-info.js';
import type { UserInfo } from '../auth/types.js';

export type Env = {
  Bindings: HttpBindings;
  Variables: {
    requestInfo: RequestInfo;
    user: UserInfo;
    warnings: string[];
  };
};
