// The engine connection the app is attached to: the one way the renderer reaches the engine. store.ts's
// attach() sets it once; stores that keep engine facts register with onApi and are wired then, and every
// call goes through call(), whose errors are always ApiErrors. Views read stores and call their actions.
import type { CallInput, CallName, CallOutput, LabApi } from '../../../src-shared/api'
import { ApiError } from '../../../src-shared/errors'

let current: LabApi | null = null
const waiting = new Set<(api: LabApi) => void>()

export function setCurrentApi(api: LabApi): void {
  current = api
  for (const l of waiting) l(api)
}

/** Run `wire` with the engine once it is attached (at once when it already is). */
export function onApi(wire: (api: LabApi) => void): void {
  if (current) wire(current)
  waiting.add(wire)
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) })
}

const notConnected = () => new ApiError({ code: 'internal', message: 'Not connected to the engine' })

/** Call the engine; rejects with an ApiError (the engine's, or "not connected" before the app attached). */
export async function call<M extends CallName>(method: M, input: CallInput<M>): Promise<CallOutput<M>> {
  if (!current) throw notConnected()
  try {
    return await current.call(method, input)
  } catch (error) {
    throw asApiError(error)
  }
}
