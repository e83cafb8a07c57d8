// The renderer's mirror of engine state, fed by calls and events. UI-only facts (which page, a save in
// progress) live here too, apart from what comes from the engine.
import { create } from 'zustand'
import type { LabApi } from '../../src-shared/api'
import { ApiError } from '../../src-shared/errors'
import { type CheckId, type PreflightCheck, type PreflightReport } from '../../src-shared/preflight'
import type { Settings } from '../../src-shared/settings'
import type { ConnectionState } from './api/ws'
import { setCurrentApi } from './api/current'

/** The id of a page in pages/registry.tsx. */
export type Page = string

export interface PreflightView {
  running: boolean
  uri: string | null
  checks: Partial<Record<CheckId, PreflightCheck>>
  report: PreflightReport | null
  error: string | null
}

interface State {
  page: Page
  connection: ConnectionState
  version: string
  preflight: PreflightView
  settings: Settings | null
  setPage: (page: Page) => void
  runPreflight: () => Promise<void>
  saveSettings: (settings: Settings) => Promise<ApiError | null>
}

let api: LabApi | null = null

const emptyPreflight: PreflightView = { running: false, uri: null, checks: {}, report: null, error: null }

export const useStore = create<State>()((set, get) => ({
  page: 'preflight',
  connection: 'connecting',
  version: '',
  preflight: emptyPreflight,
  settings: null,
  setPage: (page) => set({ page }),
  async runPreflight() {
    if (!api || get().preflight.running) return
    set((s) => ({ preflight: { ...s.preflight, running: true, error: null } }))
    try {
      await api.call('preflight.run', {})
    } catch (error) {
      set((s) => ({ preflight: { ...s.preflight, running: false, error: (error as Error).message } }))
    }
  },
  async saveSettings(settings) {
    if (!api) return new ApiError({ code: 'internal', message: 'Not connected to the engine' })
    try {
      const saved = await api.call('settings.update', settings)
      set({ settings: saved })
      return null
    } catch (error) {
      return error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) })
    }
  },
}))

/** Wire the store to an engine: subscribe to its events, then load what it already knows. */
export async function attach(
  labApi: LabApi,
  onState: (l: (s: ConnectionState) => void) => void,
): Promise<void> {
  api = labApi
  setCurrentApi(labApi)
  onState((connection) => useStore.setState({ connection }))
  labApi.on('preflight.started', (e) =>
    useStore.setState({
      preflight: { running: true, uri: e.uri, checks: {}, report: null, error: null },
    }),
  )
  labApi.on('preflight.check', (e) =>
    useStore.setState((s) => ({
      preflight: { ...s.preflight, checks: { ...s.preflight.checks, [e.check.id]: e.check } },
    })),
  )
  labApi.on('preflight.finished', (e) =>
    useStore.setState({
      preflight: {
        running: false,
        uri: e.report.uri,
        checks: Object.fromEntries(e.report.checks.map((c) => [c.id, c])),
        report: e.report,
        error: null,
      },
    }),
  )
  labApi.on('settings.changed', (settings) => useStore.setState({ settings }))

  const [info, settings, last] = await Promise.all([
    labApi.call('app.info', {}),
    labApi.call('settings.get', {}),
    labApi.call('preflight.last', {}),
  ])
  useStore.setState({ version: info.version, settings })
  if (last) {
    useStore.setState({
      preflight: {
        running: false,
        uri: last.uri,
        checks: Object.fromEntries(last.checks.map((c) => [c.id, c])),
        report: last,
        error: null,
      },
    })
  } else {
    await useStore.getState().runPreflight()
  }
}
