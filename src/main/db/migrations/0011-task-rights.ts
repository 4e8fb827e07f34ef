import type { Migration } from './types.js';

/**
 * What a photographer may do under a task, as the central server's admin set it (issues 14 and 17;
 * src/shared/domain/taskRights.ts): 撤回审核, and setting the tethered camera. Tasks stored before keep
 * what this station did until now: only a site manager withdraws, any photographer sets the camera.
 */
export const m0011TaskRights: Migration = {
  version: 11,
  name: 'task-rights',
  up: `
ALTER TABLE tasks ADD COLUMN photographer_may_withdraw INTEGER NOT NULL DEFAULT 0 CHECK (photographer_may_withdraw IN (0, 1));
ALTER TABLE tasks ADD COLUMN photographer_may_set_camera INTEGER NOT NULL DEFAULT 1 CHECK (photographer_may_set_camera IN (0, 1));
`,
};
