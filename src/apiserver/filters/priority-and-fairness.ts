import type { MiddlewareHandler } from 'hono';
import type { FlowClassifier } from '../flowcontrol/classifier.js';
import type { Env } from '../env.js';
import { isLongRunning } from './long-running.js';

// Go's http.Header canonicalises upstream's X-Kubernetes-PF-FlowSchema-UID and -PriorityLevel-UID to these
const FLOW_SCHEMA_UID = 'X-Kubernetes-Pf-Flowschema-Uid';
const PRIORITY_LEVEL_UID = 'X-Kubernetes-Pf-Prioritylevel-Uid';

/**
 * Classifies each request by the served FlowSchemas, as upstream's WithPriorityAndFairness: the response names the
 * matched FlowSchema's and priority level's UIDs (never their names). Long-running requests other than watches are
 * not classified. How many requests run at once stays with the max-in-flight filter that follows (no queues per
 * priority level); it counts the classified requests it lets through in apiserver_flowcontrol_dispatched_requests_total.
 */
export function withPriorityAndFairness(classifier: FlowClassifier): MiddlewareHandler<Env> {
  return function priorityAndFairness(c, next) {
    const info = c.get('requestInfo');
    if (info.verb !== 'watch' && isLongRunning(info)) return next();
    const found = classifier.classify(info, c.get('user'));
    if (!found) return next();
    c.set('flowControl', found);
    // on the node response itself, so that answers written straight to the socket carry them too
    const outgoing = c.env?.outgoing;
    if (outgoing) {
      outgoing.setHeader(PRIORITY_LEVEL_UID, found.priorityLevelUID);
      outgoing.setHeader(FLOW_SCHEMA_UID, found.flowSchemaUID);
      return next();
    }
    return next().then(() => {
      c.res.headers.set(PRIORITY_LEVEL_UID, found.priorityLevelUID);
      c.res.headers.set(FLOW_SCHEMA_UID, found.flowSchemaUID);
    });
  };
}
