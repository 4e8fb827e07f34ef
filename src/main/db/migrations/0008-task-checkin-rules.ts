import type { Migration } from './types.js';

/**
 * Check-in rules that differ per task (issue 14): the collection centres' 特征码 comes in several
 * formats (广东: 4 digits; 新华社: 6 letters or digits; 图像信息采集服务: 24 hex characters), and a
 * task is either 集中 (task code + ID last 4 + 特征码) or 散排 (task code + ID last 4 alone).
 * Existing tasks keep what the station enforced until now: 6 letters or digits, 集中.
 */
export const m0008TaskCheckinRules: Migration = {
  version: 8,
  name: 'task-checkin-rules',
  up: `
ALTER TABLE tasks ADD COLUMN feature_code_length INTEGER NOT NULL DEFAULT 6 CHECK (feature_code_length BETWEEN 1 AND 64);
ALTER TABLE tasks ADD COLUMN feature_code_alphabet TEXT NOT NULL DEFAULT 'alnum' CHECK (feature_code_alphabet IN ('digits', 'alnum', 'hex'));
ALTER TABLE tasks ADD COLUMN checkin_mode TEXT NOT NULL DEFAULT '集中' CHECK (checkin_mode IN ('集中', '散排'));
`,
};
