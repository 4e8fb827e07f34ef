import type { FaceIssue, FaceMatchDecision } from './decision.js';

/** Words for each issue, said to the photographer (zh) and a support engineer (en); the CLI prints both. */
export const FACE_ISSUE_MESSAGES: Record<FaceIssue, { zh: string; en: string }> = {
  no_face: { zh: '照片中没有找到人脸', en: 'No face found in the photo' },
  multiple_faces: { zh: '照片中有不止一张人脸', en: 'More than one face in the photo' },
  face_too_small: { zh: '人脸太小，无法可靠比对', en: 'The face is too small to compare reliably' },
  face_turned: { zh: '头部偏转过大，不是正面照', en: 'The head is turned too far from frontal' },
  greyscale: { zh: '黑白照片，比对结果需人工确认', en: 'Black-and-white photo: a person must confirm' },
  too_dark: { zh: '照片过暗', en: 'The photo is too dark' },
  printed_scan: { zh: '疑似翻拍或扫描的打印照片', en: 'Looks like a scan or photo of a printed picture' },
  unreadable: { zh: '照片无法读取或已损坏', en: 'The photo cannot be read or is damaged' },
  match_error: { zh: '比对程序出错（已记录日志）', en: 'The comparison failed (logged)' },
};

export const FACE_SIDE_LABELS = {
  admission: { zh: '录取照片', en: 'Admission photo' },
  capture: { zh: '采集照片', en: 'Captured photo' },
} as const;

export const FACE_DECISION_EN: Record<FaceMatchDecision, string> = {
  比对通过: 'match',
  比对不通过: 'no match',
  需人工确认: 'needs a person to confirm',
  未比对: 'not compared',
};
