import type { RpcClient } from '../../shared/rpc/client';
import { useStation } from './useStation';

export function useRpc(): RpcClient {
  return useStation().client;
}
