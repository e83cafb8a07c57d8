// LabApi over the browser host's WebSocket: request ids, event subscriptions, and reconnecting with
// backoff when the engine restarts.
import type {
  CallInput,
  CallName,
  CallOutput,
  EventName,
  EventPayload,
  ServerMessage,
} from '../../../src-shared/api'
import { ApiError } from '../../../src-shared/errors'
import type { Connection } from './client'
import { toApiError } from './reply'

export type ConnectionState = 'connecting' | 'open' | 'closed'

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

export function connectWebSocket(url: string): Connection {
  let socket: WebSocket | null = null
  let state: ConnectionState = 'connecting'
  let nextId = 1
  let retry = 0
  const pending = new Map<number, Pending>()
  const queue: string[] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const stateListeners = new Set<(s: ConnectionState) => void>()

  const setState = (s: ConnectionState) => {
    state = s
    stateListeners.forEach((l) => l(s))
  }
  const send = (text: string) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(text)
    else queue.push(text)
  }

  const open = () => {
    setState('connecting')
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      retry = 0
      setState('open')
      if (listeners.size) ws.send(JSON.stringify({ type: 'subscribe', events: [...listeners.keys()] }))
      for (const text of queue.splice(0)) ws.send(text)
    }
    ws.onmessage = (e: MessageEvent<string>) => {
      const message = JSON.parse(e.data) as ServerMessage
      if (message.type === 'event') {
        listeners.get(message.event)?.forEach((l) => l(message.payload))
        return
      }
      if (message.id === null) {
        console.warn('stacklab: engine refused a message:', message.ok ? '' : message.error.message)
        return
      }
      const p = pending.get(message.id)
      if (!p) return
      pending.delete(message.id)
      if (message.ok) p.resolve(message.value)
      else p.reject(toApiError(message))
    }
    ws.onclose = () => {
      socket = null
      for (const [id, p] of pending) {
        p.reject(new ApiError({ code: 'internal', message: 'Lost the connection to the Stacklab engine' }))
        pending.delete(id)
      }
      setState('closed')
      const delay = Math.min(10_000, 250 * 2 ** retry++)
      setTimeout(open, delay)
    }
  }
  open()

  return {
    api: {
      call<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>> {
        const id = nextId++
        return new Promise<CallOutput<M>>((resolve, reject) => {
          pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
          send(JSON.stringify({ type: 'call', id, method, input }))
        })
      },
      on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
        let set = listeners.get(event)
        if (!set) {
          listeners.set(event, (set = new Set()))
          if (socket?.readyState === WebSocket.OPEN)
            socket.send(JSON.stringify({ type: 'subscribe', events: [event] }))
        }
        set.add(listener as (p: unknown) => void)
        return () => set.delete(listener as (p: unknown) => void)
      },
    },
    onState(listener) {
      stateListeners.add(listener)
      listener(state)
      return () => stateListeners.delete(listener)
    },
  }
}
