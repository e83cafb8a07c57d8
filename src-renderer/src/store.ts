// The renderer's mirror of engine state, fed by calls and events: the connection, settings, preflight,
// libvirt's domains and networks, and the labs. UI-only facts (which page, what the topology has selected)
// live here too, apart from what comes from the engine. Other stores (state/) keep jobs, OpenStack status,
// checkpoints and consoles; each fact has one store.
import { create } from 'zustand'
import type { CallInput, CallName, CallOutput, LabApi } from '../../src-shared/api'
import type { ApiError } from '../../src-shared/errors'
import type { LabSummary } from '../../src-shared/lab'
import type { ConnectionState as LibvirtConnection, DomainInfo, NetworkInfo } from '../../src-shared/libvirt'
import { type CheckId, type PreflightCheck, type PreflightReport } from '../../src-shared/preflight'
import type { Settings } from '../../src-shared/settings'
import type { Risk } from '../../src-shared/trust'
import type { ConnectionState } from './api/ws'
import { asApiError, call, setCurrentApi } from './api/current'
import { shownFailure, type ShownFailure } from './components/words'

/** The id of a page in pages/registry.tsx. */
export type Page = string

export interface PreflightView {
  running: boolean
  uri: string | null
  checks: Partial<Record<CheckId, PreflightCheck>>
  report: PreflightReport | null
  error: ShownFailure | null
}

/** What the engine's libvirt connection holds: every domain and network, kept live by `libvirt.*` events. */
export interface LibvirtView {
  connection: LibvirtConnection | null
  domains: Record<string, DomainInfo>
  networks: Record<string, NetworkInfo>
  /** True once the first `domains.list` and `networks.list` arrived. */
  loaded: boolean
  /** performance.now() when the last full list arrived (the renderer benchmark reads it). */
  loadedAt: number
  /** performance.now() when the last `libvirt.domain`/`libvirt.network` event arrived (ditto). */
  lastEventAt: number
  error: ShownFailure | null
}

export type DomainAction = 'start' | 'shutdown' | 'forceOff' | 'reboot' | 'pause' | 'resume'

/** What a details panel shows: a domain, a network or a host bridge, by name. */
export type Selection = { kind: 'domain' | 'network' | 'bridge'; name: string } | null

interface State {
  page: Page
  connection: ConnectionState
  version: string
  preflight: PreflightView
  settings: Settings | null
  libvirt: LibvirtView
  labs: LabSummary[]
  /** True once the first `labs.list` answered (or failed). */
  labsLoaded: boolean
  /** Why the labs could not be listed, if they could not. */
  labsError: ShownFailure | null
  selection: Selection
  setPage: (page: Page) => void
  runPreflight: () => Promise<void>
  /** Save settings; `confirmRisks` names the risks the user agreed to in the page's dialog. */
  saveSettings: (settings: Settings, confirmRisks?: Risk[]) => Promise<ApiError | null>
  select: (selection: Selection) => void
  /** Start, shut down, force off or reboot a domain; resolves to the engine's error, or null. */
  domainAction: (name: string, action: DomainAction) => Promise<ApiError | null>
  /** Any engine call that changes a network; the returned NetworkInfo replaces the store's copy at once. */
  networkCall: <M extends NetworkCall>(method: M, input: CallInput<M>) => Promise<ApiError | null>
  /** Any engine call, errors as ApiError (what a view reads once: network leases, raw XML). */
  call: <M extends CallName>(method: M, input: CallInput<M>) => Promise<CallOutput<M>>
  loadLibvirt: () => Promise<void>
  loadLabs: () => Promise<void>
}

export type NetworkCall =
  | 'network.start'
  | 'network.stop'
  | 'network.setAutostart'
  | 'network.setDhcpRange'
  | 'network.addStaticHost'
  | 'network.removeStaticHost'

const emptyPreflight: PreflightView = { running: false, uri: null, checks: {}, report: null, error: null }
const emptyLibvirt: LibvirtView = {
  connection: null,
  domains: {},
  networks: {},
  loaded: false,
  loadedAt: 0,
  lastEventAt: 0,
  error: null,
}

function putDomain(d: DomainInfo) {
  useStore.setState((s) => ({
    libvirt: { ...s.libvirt, domains: { ...s.libvirt.domains, [d.name]: d }, lastEventAt: performance.now() },
  }))
}
function putNetwork(n: NetworkInfo) {
  useStore.setState((s) => ({
    libvirt: {
      ...s.libvirt,
      networks: { ...s.libvirt.networks, [n.name]: n },
      lastEventAt: performance.now(),
    },
  }))
}

export const useStore = create<State>()((set, get) => ({
  page: 'topology',
  connection: 'connecting',
  version: '',
  preflight: emptyPreflight,
  settings: null,
  libvirt: emptyLibvirt,
  labs: [],
  labsLoaded: false,
  labsError: null,
  selection: null,
  setPage: (page) => set({ page }),
  select: (selection) => set({ selection }),
  async runPreflight() {
    if (get().preflight.running) return
    set((s) => ({ preflight: { ...s.preflight, running: true, error: null } }))
    try {
      await call('preflight.run', {})
    } catch (error) {
      set((s) => ({ preflight: { ...s.preflight, running: false, error: shownFailure(error) } }))
    }
  },
  async saveSettings(settings, confirmRisks) {
    try {
      const saved = await call(
        'settings.update',
        confirmRisks?.length ? { ...settings, confirmRisks } : settings,
      )
      set({ settings: saved })
      return null
    } catch (error) {
      return asApiError(error)
    }
  },
  async domainAction(name, action) {
    try {
      if (action === 'shutdown') putDomain((await call('domain.shutdown', { name })).domain)
      else if (action === 'start') putDomain(await call('domain.start', { name }))
      else if (action === 'forceOff') putDomain(await call('domain.forceOff', { name }))
      else if (action === 'pause') putDomain(await call('domain.pause', { name }))
      else if (action === 'resume') putDomain(await call('domain.resume', { name }))
      else putDomain(await call('domain.reboot', { name }))
      return null
    } catch (error) {
      return asApiError(error)
    }
  },
  async networkCall(method, input) {
    try {
      putNetwork(await call(method, input))
      return null
    } catch (error) {
      return asApiError(error)
    }
  },
  call,
  async loadLibvirt() {
    try {
      const [connection, domains, networks] = await Promise.all([
        call('libvirt.connection', {}),
        call('domains.list', {}),
        call('networks.list', {}),
      ])
      performance.mark('stacklab:libvirt-loaded', {
        detail: { domains: domains.length, networks: networks.length },
      })
      const s0 = get()
      set({
        libvirt: {
          connection,
          domains: Object.fromEntries(domains.map((d) => [d.name, d])),
          networks: Object.fromEntries(networks.map((n) => [n.name, n])),
          loaded: true,
          loadedAt: performance.now(),
          lastEventAt: s0.libvirt.lastEventAt,
          error: null,
        },
      })
    } catch (error) {
      set((s) => ({ libvirt: { ...s.libvirt, loaded: true, error: shownFailure(error) } }))
    }
  },
  async loadLabs() {
    try {
      set({ labs: await call('labs.list', {}), labsLoaded: true, labsError: null })
    } catch (error) {
      // On the topology labs are an extra (without them domains are simply not grouped); pages about labs
      // say why there are none.
      set({ labsLoaded: true, labsError: shownFailure(error) })
    }
  },
}))

/** Wire the store to an engine: subscribe to its events, then load what it already knows. */
export async function attach(
  labApi: LabApi,
  onState: (l: (s: ConnectionState) => void) => void,
): Promise<void> {
  setCurrentApi(labApi)
  let wasOpen = false
  onState((connection) => {
    useStore.setState({ connection })
    // After a reconnect the engine may have moved on: read everything again.
    if (connection === 'open' && wasOpen) {
      void useStore.getState().loadLibvirt()
      void useStore.getState().loadLabs()
    }
    if (connection === 'open') wasOpen = true
  })
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
  labApi.on('settings.changed', (settings) => {
    useStore.setState({ settings })
    // A new connection URI means a different set of domains and networks.
    void useStore.getState().loadLibvirt()
  })
  labApi.on('libvirt.connection', (connection) => {
    const before = useStore.getState().libvirt
    useStore.setState((s) => ({ libvirt: { ...s.libvirt, connection } }))
    // Back after a loss, or reached after a load that failed: read everything again (and drop that error).
    if (connection.state === 'connected' && (before.connection?.state === 'lost' || before.error))
      void useStore.getState().loadLibvirt()
  })
  labApi.on('libvirt.domain', (e) => putDomain(e.domain))
  labApi.on('libvirt.network', (e) => putNetwork(e.network))
  labApi.on('libvirt.domainRemoved', (e) =>
    useStore.setState((s) => {
      const domains = { ...s.libvirt.domains }
      delete domains[e.name]
      const selection = s.selection?.kind === 'domain' && s.selection.name === e.name ? null : s.selection
      return { libvirt: { ...s.libvirt, domains }, selection }
    }),
  )
  labApi.on('libvirt.networkRemoved', (e) =>
    useStore.setState((s) => {
      const networks = { ...s.libvirt.networks }
      delete networks[e.name]
      const selection = s.selection?.kind === 'network' && s.selection.name === e.name ? null : s.selection
      return { libvirt: { ...s.libvirt, networks }, selection }
    }),
  )
  // Labs change when a lab job finishes (created, a node added, deleted).
  labApi.on('job.updated', (job) => {
    if (job.state !== 'running') void useStore.getState().loadLabs()
  })

  void useStore.getState().loadLibvirt()
  void useStore.getState().loadLabs()

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
