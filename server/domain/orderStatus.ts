import { REVIEW_STATUSES, type OrderUpload } from '../../src/shared/sync/protocol.js';

export type StationStatus = OrderUpload['status'];
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
/** What the server's orders.status may hold: a station status until photos and review move it on. */
export type ServerStatus = StationStatus | ReviewStatus;

export function isReviewStatus(status: string): status is ReviewStatus {
  return (REVIEW_STATUSES as readonly string[]).includes(status);
}

/** Statuses of an order whose photo was accepted at the station. 被驳回 stays in: the order still
 * exists and a retake comes back to it; 已作废 does not. */
export const ACCEPTED_STATUSES: readonly ServerStatus[] = ['已采集', '待审核', '被驳回', '待制作', '已完成'];
/** Statuses that count as "the student was photographed" for settlement and no-shows. */
export const CAPTURED_STATUSES: readonly ServerStatus[] = ['已采集', '待审核', '被驳回', '待制作', '已完成'];

export function isAccepted(o: { status: string; captured_at: string | null }): boolean {
  return o.captured_at !== null && (ACCEPTED_STATUSES as readonly string[]).includes(o.status);
}

/**
 * The server status after a station sends a newer revision.
 * - 已作废 from the station voids the order.
 * - Once the server has a business status (待审核 and after, or a reviewer's 已作废) the station's
 *   progress states never undo it: a station starting a retake after 被驳回 sends 采集中 and the
 *   order stays 被驳回 until the new photo is accepted; the same photos again keep the decision.
 * - 已采集 with new photos starts (or restarts) review: 待审核 once every photo is here, else
 *   已采集 until the last one arrives.
 */
export function statusAfterUpload(incoming: StationStatus, prev: ServerStatus | null, photosChanged: boolean, allPhotosHeld: boolean, withdrawn = false): ServerStatus {
  if (incoming === '已作废') return '已作废';
  const reviewed = prev !== null && isReviewStatus(prev);
  // 撤回审核 (allowed by the caller: nobody has decided): the order is back in capture.
  if (incoming === '已签到' || incoming === '采集中') return reviewed && !withdrawn ? prev : incoming;
  if (reviewed && !photosChanged) return prev;
  return allPhotosHeld ? '待审核' : '已采集';
}

export interface GroupMember {
  id: string;
  status: string;
  captured_at: string | null;
}

/**
 * Two stations, one student: every accepted order is kept; the one captured last is current (ties
 * broken by order id so every server instance picks the same); all accepted ones are flagged as a
 * conflict for the reviewer. With no accepted order, every order not voided is current.
 */
export function resolveGroup(members: readonly GroupMember[]): Map<string, { current: boolean; conflict: boolean }> {
  const accepted = members.filter(isAccepted);
  const out = new Map<string, { current: boolean; conflict: boolean }>();
  let latest: GroupMember | undefined;
  for (const m of accepted) {
    if (!latest || m.captured_at! > latest.captured_at! || (m.captured_at === latest.captured_at && m.id > latest.id)) latest = m;
  }
  for (const m of members) {
    const isAcc = accepted.includes(m);
    out.set(m.id, {
      current: latest ? m.id === latest.id : m.status !== '已作废',
      conflict: isAcc && accepted.length > 1,
    });
  }
  return out;
}

export const DECISIONS = ['approve', 'reject', 'complete', 'void'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Review moves an order 待审核 → 被驳回 / 待制作 → 已完成 (DESIGN §3); a reviewer may void an
 * order (the duplicate of a conflict pair). Null: this decision does not apply in that status. */
export function statusAfterDecision(decision: Decision, status: string): ReviewStatus | null {
  switch (decision) {
    case 'approve':
      return status === '待审核' ? '待制作' : null;
    case 'reject':
      return status === '待审核' || status === '待制作' ? '被驳回' : null;
    case 'complete':
      return status === '待制作' ? '已完成' : null;
    case 'void':
      return status !== '已作废' && status !== '已完成' ? '已作废' : null;
  }
}

/** Reasons a reviewer picks from (free text is allowed too). */
export const REJECTION_REASONS = [
  '图像额外内容（手、水印等）',
  '背景不符合要求',
  '头部姿态不正',
  '照片模糊',
  '面部光照不均',
  '人像比对不一致',
  '着装与背景颜色相近',
  '眼镜反光',
] as const;
