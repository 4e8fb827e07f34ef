import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type RpcResult } from '../shared/rpc/wire.js';
import type { RpcTransport } from '../shared/rpc/client.js';

/** Exposes the RPC transport and nothing else: the page never sees ipcRenderer. */
const transport: RpcTransport = {
  call: (name: string, input: unknown) => ipcRenderer.invoke(IPC_CALL_CHANNEL, name, input) as Promise<RpcResult>,
  onEvent(listener) {
    const wrapped = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (typeof name === 'string') listener(name, payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('campusCapture', transport);
