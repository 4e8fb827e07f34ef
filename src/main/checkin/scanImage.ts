import { classifyCode, type CodeKind } from '../../shared/checkin/codeKind.js';
import type { ScanOutcome } from '../../shared/checkin/scanOutcome.js';
import { decodeImageBytes } from '../qr/decodeImageFile.js';
import type { AppContext } from '../services/AppContext.js';
import { resolveScan } from './resolveScan.js';

/** A student's saved 采集码 PNG or a screenshot: decoded here with the same engine as the CLI, then
 * resolved exactly like a live scan. */
export async function scanImage(
  ctx: AppContext,
  taskCode: string,
  bytes: Buffer,
): Promise<{ found: boolean; kind: CodeKind | null; outcome: ScanOutcome | null; pendingCode: string | null }> {
  const decoded = await decodeImageBytes(bytes);
  if (!decoded.found) return { found: false, kind: null, outcome: null, pendingCode: null };
  const text = decoded.text.trim();
  const outcome = resolveScan(ctx, taskCode, text);
  return { found: true, kind: classifyCode(text), outcome, pendingCode: outcome.kind === 'unmatched_xuexin' ? text : null };
}
