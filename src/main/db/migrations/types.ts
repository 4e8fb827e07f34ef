import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  /** Plain SQL, or a function for steps that must transform data row by row. */
  up: string | ((db: Database) => void);
  /** The step rebuilds a table other tables reference (SQLite's way to change a constraint): foreign
   * keys are switched off around the migration, as SQLite's documented procedure requires, and every
   * reference is checked before the commit instead. */
  rebuildsTables?: boolean;
}
