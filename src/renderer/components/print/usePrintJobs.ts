import { useCallback, useEffect, useState } from 'react';
import type { PrintJob } from '../../../shared/print/printTypes';
import { useRpc } from '../../hooks/useRpc';
import { useRpcEvent } from '../../hooks/useRpcEvent';

/** An order's print jobs, kept current by the service's print.changed events. */
export function usePrintJobs(orderId: string | null): { jobs: PrintJob[]; error: unknown; reload: () => void; upsert: (job: PrintJob) => void } {
  const client = useRpc();
  const [jobs, setJobs] = useState<PrintJob[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!orderId) {
      setJobs([]);
      return;
    }
    let current = true;
    client.call('print.jobs', { orderId }).then(
      (r) => {
        if (current) {
          setJobs(r.jobs);
          setError(null);
        }
      },
      (e: unknown) => {
        if (current) setError(e);
      },
    );
    return () => {
      current = false;
    };
  }, [client, orderId, generation]);

  const upsert = useCallback((job: PrintJob) => {
    setJobs((list) => {
      const i = list.findIndex((j) => j.id === job.id);
      if (i < 0) return [job, ...list];
      // Events can overtake each other: keep the later state of the same job.
      if (list[i]!.updatedAt > job.updatedAt) return list;
      const next = list.slice();
      next[i] = job;
      return next;
    });
  }, []);

  useRpcEvent('print.changed', (job) => {
    if (job.orderId === orderId) upsert(job);
  });

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { jobs, error, reload, upsert };
}
