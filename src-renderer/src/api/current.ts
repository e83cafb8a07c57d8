// The engine connection pages call directly (set once by the store's attach()).
import type { LabApi } from '../../../src-shared/api'

let current: LabApi | null = null

export function setCurrentApi(api: LabApi): void {
  current = api
}

export function currentApi(): LabApi {
  if (!current) throw new Error('Not connected to the Stacklab engine yet')
  return current
}
