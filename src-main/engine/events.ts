// The engine's event bus: typed by the contract, every payload checked against its schema before it leaves.
import { events, type EventName, type EventPayload } from '../../src-shared/api'

type Listener = (payload: unknown) => void

export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly any = new Set<(event: EventName, payload: unknown) => void>()

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload)
    for (const l of this.listeners.get(event) ?? []) l(checked)
    for (const l of this.any) l(event, checked)
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }

  /** Every event, for hosts that forward them (IPC, WebSocket). */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.any.add(listener)
    return () => this.any.delete(listener)
  }
}
