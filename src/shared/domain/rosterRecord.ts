import type { EduLevel } from './status.js';

/** One roster row as parsed from a school's file (or generated for the demo), before it is stored. */
export interface RosterRecord {
  /** Set when the roster comes with its own ids (the central server's, or the demo's fixed ones). */
  id?: string;
  rowNumber: number;
  name: string;
  gender: '男' | '女';
  idNumber: string;
  studentNo: string | null;
  examNo: string | null;
  schoolName: string | null;
  schoolCode: string | null;
  department: string | null;
  major: string | null;
  eduLevel: EduLevel | null;
  eduCategory: string | null;
  className: string | null;
  xuexinCode: string | null;
  featureCode: string | null;
}
