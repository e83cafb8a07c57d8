// The preload: exposes exactly one object, `window.stacklab`, with `call` and `on`. Nothing of Node or
// Electron leaks to the page; the main process validates every call again.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { BridgeReply, StacklabBridge } from '../../src-shared/api'
import { CALL_CHANNEL, EVENT_CHANNEL, PICK_FILE_CHANNEL } from './channels'

const bridge: StacklabBridge = {
  async call(method, input) {
    if (typeof method !== 'string') throw new TypeError('method must be a string')
    // Errors cross contextBridge as plain data (thrown errors lose their fields there).
    return (await ipcRenderer.invoke(CALL_CHANNEL, method, input)) as BridgeReply
  },
  async pickFile() {
    return (await ipcRenderer.invoke(PICK_FILE_CHANNEL)) as string | null
  },
  on(event, listener) {
    if (typeof event !== 'string' || typeof listener !== 'function')
      throw new TypeError('on(event, listener)')
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler)
    }
  },
}

contextBridge.exposeInMainWorld('stacklab', bridge)
