import type { Migration } from './types.js';

/**
 * The site manager's reads (issue 7) over a whole day or task:
 * - outbox_jobs by order: reconciliation looks up each order's jobs (and refreshOrderSyncState does
 *   per order already, until now by scanning the outbox);
 * - orders by capture time and by check-in time: the day report and the day export select a day;
 * - audit_log by action and entity: check overrides, accepted shots and face-match overrides of a
 *   day's orders, without reading every login and print.
 */
export const m0007ManagerIndexes: Migration = {
  version: 7,
  name: 'manager-indexes',
  up: `
CREATE INDEX outbox_jobs_order ON outbox_jobs(order_id, kind, state);
CREATE INDEX orders_task_captured ON orders(task_code, captured_at);
CREATE INDEX orders_task_checked_in ON orders(task_code, checked_in_at);
CREATE INDEX audit_action_entity ON audit_log(action, entity_id);
`,
};
