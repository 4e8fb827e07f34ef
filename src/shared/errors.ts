/** Stable error codes shared by every transport, the CLI and the UI. Messages are bilingual so a
 * photographer reads Chinese and a support engineer can read the same line in English. */
export const ERROR_MESSAGES = {
  BAD_INPUT: { zh: '请求内容无效', en: 'The request is invalid' },
  UNKNOWN_PROCEDURE: { zh: '未知的操作', en: 'Unknown operation' },
  UNAUTHENTICATED: { zh: '请先登录', en: 'Please log in first' },
  FORBIDDEN: { zh: '当前账号无权执行此操作', en: 'This account may not do that' },
  WRONG_PIN: { zh: 'PIN 码错误', en: 'Wrong PIN' },
  LOCKED: { zh: '输错次数过多，工作站已暂时锁定', en: 'Too many wrong PINs; the station is locked for a while' },
  NOT_FOUND: { zh: '未找到', en: 'Not found' },
  CONFLICT: { zh: '数据已被修改，请刷新后重试', en: 'The data changed meanwhile; refresh and try again' },
  ROSTER_UNREADABLE: { zh: '名单文件无法读取', en: 'The roster file cannot be read' },
  ROSTER_NO_HEADER: { zh: '名单文件缺少必需的表头（姓名、身份证号等）', en: 'The roster file lacks the required header (name, ID number, …)' },
  FILE_TOO_LARGE: { zh: '文件过大', en: 'The file is too large' },
  DB_TOO_NEW: { zh: '数据库来自更新版本的软件，请升级后再打开', en: 'The database was written by a newer version of the app; upgrade before opening it' },
  DB_CORRUPT: { zh: '数据库文件已损坏', en: 'The database file is damaged' },
  DISK_FULL: { zh: '磁盘空间不足，数据未丢失，请清理空间后重试', en: 'The disk is full; nothing was lost; free some space and retry' },
  PORT_IN_USE: { zh: '端口已被占用', en: 'The port is in use' },
  OVERRIDE_REQUIRED: { zh: '需要填写原因才能继续', en: 'A reason is required to continue' },
  STATION_IN_USE: { zh: '该数据目录已被另一个采集站使用', en: 'Another kiosk is using this data folder' },
  OFFLINE: { zh: '无法连接中心服务器', en: 'Cannot reach the central server' },
  ENROL_REFUSED: { zh: '中心服务器拒绝登记', en: 'The central server refused the enrolment' },
  INTERNAL: { zh: '内部错误，已记录日志', en: 'Internal error; it has been logged' },
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as [ErrorCode, ...ErrorCode[]];

export interface ErrorPayload {
  code: ErrorCode;
  zh: string;
  en: string;
  /** Field-level problems from schema validation, as "path: message". */
  details?: string[];
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly zh: string;
  readonly en: string;
  readonly details: string[] | undefined;

  constructor(code: ErrorCode, opts: { zh?: string; en?: string; details?: string[] } = {}) {
    const base = ERROR_MESSAGES[code];
    const en = opts.en ?? base.en;
    super(`${code}: ${en}`);
    this.name = 'AppError';
    this.code = code;
    this.zh = opts.zh ?? base.zh;
    this.en = en;
    this.details = opts.details;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, zh: this.zh, en: this.en, ...(this.details ? { details: this.details } : {}) };
  }
}

/** For exhaustive switches: a value the type system says cannot exist. */
export function missingCaseError(value: never): Error {
  return new Error(`Unhandled case: ${String(value)}`);
}
