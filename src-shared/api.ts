// LabApi: the one contract between the UI (or any client) and the engine.
// Each call has a zod schema for its input and output; each event a schema for its payload.
// Hosts (Electron IPC, browser WebSocket, CLI) carry calls and events; they add no methods of their own.
import { z } from 'zod'
import { PreflightCheck, PreflightReport, CheckId } from './preflight'
import { ConnectionUri, Settings, SettingsPatch } from './settings'

/** A call's input, serialised as JSON, may not exceed this. Bigger inputs are refused with `too-large`. */
export const MAX_INPUT_BYTES = 256 * 1024

const NoInput = z.object({}).strict()

export const HostKind = z.enum(['electron', 'browser', 'cli'])
export type HostKind = z.infer<typeof HostKind>

export const AppInfo = z.object({
  version: z.string(),
  host: HostKind,
  platform: z.string(),
  paths: z.object({
    config: z.string(),
    data: z.string(),
    state: z.string(),
    cache: z.string(),
    log: z.string(),
  }),
})
export type AppInfo = z.infer<typeof AppInfo>

export const calls = {
  'app.info': { input: NoInput, output: AppInfo },
  'settings.get': { input: NoInput, output: Settings },
  'settings.update': { input: SettingsPatch, output: Settings },
  /** Run every host check against `uri` (default: the settings' connection). Streams `preflight.*` events. */
  'preflight.run': { input: z.object({ uri: ConnectionUri.optional() }).strict(), output: PreflightReport },
  /** The report of the last finished run in this engine, or null. */
  'preflight.last': { input: NoInput, output: PreflightReport.nullable() },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>

export const events = {
  'preflight.started': z.object({ runId: z.string(), uri: z.string(), checks: z.array(CheckId) }),
  'preflight.check': z.object({ runId: z.string(), check: PreflightCheck }),
  'preflight.finished': z.object({ runId: z.string(), report: PreflightReport }),
  'settings.changed': Settings,
} as const satisfies Record<string, z.ZodType>

export type CallName = keyof typeof calls
export type EventName = keyof typeof events
export type CallInput<M extends CallName> = z.input<(typeof calls)[M]['input']>
export type CallOutput<M extends CallName> = z.output<(typeof calls)[M]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

export const CALL_NAMES = Object.keys(calls) as CallName[]
export const EVENT_NAMES = Object.keys(events) as EventName[]

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name)
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** What every host hands the renderer, whatever carries it. */
export interface LabApi {
  call<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** The raw bridge the Electron preload exposes as `window.stacklab` (untyped at the boundary on purpose). */
export type BridgeReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; issues?: { path: string; message: string }[] } }

export interface StacklabBridge {
  call(method: string, input: unknown): Promise<BridgeReply>
  on(event: string, listener: (payload: unknown) => void): () => void
}

/** Wire messages of the browser host's WebSocket. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string(),
    input: z.unknown(),
  }),
  z.object({ type: z.literal('subscribe'), events: z.array(z.string()).max(64) }),
])
export type ClientMessage = z.infer<typeof ClientMessage>

export type ServerMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | {
      type: 'result'
      id: number | null
      ok: false
      error: { code: string; message: string; issues?: { path: string; message: string }[] }
    }
  | { type: 'event'; event: string; payload: unknown }
