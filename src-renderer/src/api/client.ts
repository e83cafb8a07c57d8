// The renderer's LabApi: over the Electron preload when there is one, otherwise over the browser host's
// WebSocket. Nothing else in the renderer knows which.
import type {
  CallInput,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
  LabApi,
  StacklabBridge,
} from '../../../src-shared/api'
import { toApiError } from './reply'
import { connectWebSocket, type ConnectionState } from './ws'

declare global {
  interface Window {
    stacklab?: StacklabBridge
  }
}

export interface Connection {
  api: LabApi
  onState(listener: (state: ConnectionState) => void): () => void
}

function fromBridge(bridge: StacklabBridge): Connection {
  return {
    api: {
      async call<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>> {
        const reply = await bridge.call(method, input)
        if (!reply.ok) throw toApiError(reply)
        return reply.value as CallOutput<M>
      },
      on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
        return bridge.on(event, listener as (p: unknown) => void)
      },
    },
    onState(listener) {
      listener('open')
      return () => {}
    },
  }
}

let shared: Connection | null = null

/** The page's one connection to the engine (made on first use; pages that need the API directly share it). */
export function connect(): Connection {
  if (!shared) shared = open()
  return shared
}

function open(): Connection {
  if (window.stacklab) return fromBridge(window.stacklab)
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return connectWebSocket(`${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`)
}
