import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  /** Plain SQL, or a function for steps that must transform data row by row. */
  up: string | ((db: Database) => void);
}
