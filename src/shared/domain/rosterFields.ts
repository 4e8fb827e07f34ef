import { z } from 'zod';

/** The roster columns the station understands, named once for the importer, the contract and the UI. */
export const ROSTER_FIELD_KEYS = [
  'name', 'gender', 'idNumber', 'studentNo', 'examNo', 'schoolName', 'schoolCode', 'department', 'major',
  'eduLevel', 'eduCategory', 'className', 'xuexinCode', 'featureCode',
] as const;
export const RosterField = z.enum(ROSTER_FIELD_KEYS);
export type RosterField = z.infer<typeof RosterField>;
