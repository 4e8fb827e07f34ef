import type { TaskSummary } from '../../shared/domain/entities';
import type { RpcClient } from '../../shared/rpc/client';
import { readRememberedTask } from './rememberedTask';

/** Best effort: failing to resume a task only means the photographer picks it again. */
export async function findRememberedTask(client: RpcClient): Promise<TaskSummary | null> {
  const code = readRememberedTask();
  if (code === null) return null;
  try {
    const { tasks } = await client.call('tasks.list', {});
    return tasks.find((task) => task.code === code) ?? null;
  } catch {
    return null;
  }
}
