import type { OrderUpload } from '../../src/shared/sync/protocol.js';
import { recordAdminAction } from '../db/adminAudit.js';
import { recordChanges } from '../db/feedLog.js';
import { getOrder, updateOrder } from '../db/orders.js';
import { addPhotoHolder, heldPhotos } from '../db/photos.js';
import { activeDeviceOf, stationTasks } from '../db/stations.js';
import { getStudent } from '../db/students.js';
import { inTransaction } from '../db/tx.js';
import { ServerFailure } from '../http/ServerFailure.js';
import { nowIso, type ServerContext } from '../ServerContext.js';

/**
 * The admin moves an order to another station (its laptop died mid-day): the only way an order
 * changes hands. Its revision, decisions and photos go with it — the photos its first station sent
 * are held for the new one too, so the order stays complete — and the move is audited.
 */
export async function transferOrder(ctx: ServerContext, orderId: string, to: { stationId: string; reason: string }): Promise<{ orderId: string; from: string; to: string }> {
  const now = nowIso(ctx);
  const moved = await inTransaction(ctx.tx, async (t) => {
    const peek = await getOrder(t, orderId);
    if (!peek) throw new ServerFailure('NOT_FOUND', { zh: '没有这个订单', en: 'No such order' });
    await getStudent(t, peek.student_id, { lock: true });
    const order = (await getOrder(t, orderId, { lock: true }))!;
    if (order.station_id === to.stationId) return { from: order.station_id, changed: false };
    const device = await activeDeviceOf(t, to.stationId);
    if (!device) throw new ServerFailure('NOT_FOUND', { zh: `没有在用的采集站 ${to.stationId}`, en: `No active station ${to.stationId}` });
    if (!(await stationTasks(t, to.stationId)).includes(order.task_code)) {
      throw new ServerFailure('CONFLICT', { zh: `采集站 ${to.stationId} 未登记采集任务 ${order.task_code}`, en: `Station ${to.stationId} is not enrolled for task ${order.task_code}` });
    }
    const shas = [...new Set((JSON.parse(order.photos_json) as OrderUpload['photos']).map((p) => p.sha256))];
    for (const sha of await heldPhotos(t, shas, order.station_id)) await addPhotoHolder(t, sha, to.stationId, now);
    await updateOrder(t, orderId, { station_id: to.stationId, station_name: device.station_name, device_id: device.device_id, updated_at: now });
    await recordAdminAction(t, { at: now, action: 'order.transfer', target: orderId, reason: to.reason, detail: { from: order.station_id, to: to.stationId, revision: order.revision, status: order.status } });
    await recordChanges(t, [{ feed: 'reviews', key: orderId }]);
    return { from: order.station_id, changed: true };
  });
  if (moved.changed) ctx.log('info', 'order transferred', { orderId, from: moved.from, to: to.stationId });
  return { orderId, from: moved.from, to: to.stationId };
}
