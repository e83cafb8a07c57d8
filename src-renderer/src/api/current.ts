// The engine connection the app is attached to, for stores outside store.ts (jobs, wizard, checkpoints).
// store.ts's attach() sets it once; stores that need engine events register with onApi and are wired then.
import type { LabApi } from '../../../src-shared/api'

let current: LabApi | null = null
const waiting = new Set<(api: LabApi) => void>()

export function setCurrentApi(api: LabApi): void {
  current = api
  for (const l of waiting) l(api)
}

/** The attached engine, or null before the app has connected. */
export function currentApi(): LabApi | null {
  return current
}

/** Run `wire` with the engine once it is attached (at once when it already is). */
export function onApi(wire: (api: LabApi) => void): void {
  if (current) wire(current)
  waiting.add(wire)
}

/** The attached engine, for actions a user takes (the app is connected by then); throws before that. */
export function requireApi(): LabApi {
  if (!current) throw new Error('Not connected to the Stacklab engine yet')
  return current
}
