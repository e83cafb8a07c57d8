// Whether libvirt can be reached on the settings' connection, and what blocks building a lab, derived from
// what the store already holds (the engine's connection events, the last load, the last preflight report).
// Pages ask here instead of reading counts that would be zero for "unknown".
import type { CheckId, PreflightCheck, PreflightReport } from '../../../src-shared/preflight'
import { useStore } from '../store'

export interface Reach {
  /** `checking`: nothing known yet; `unreachable`: libvirt does not answer; `ok`: it does. */
  state: 'checking' | 'ok' | 'unreachable'
  uri: string
  /** libvirt's own words (English), for the "details" disclosure. */
  detail: string
  /** The preflight connection check that failed on this connection, once there is one: words and fix. */
  check: PreflightCheck | null
}

/** The last report, if it is about the connection in use now. */
export function currentReport(
  report: PreflightReport | null,
  uri: string | undefined,
): PreflightReport | null {
  return report && uri !== undefined && report.uri === uri ? report : null
}

export function useReach(): Reach {
  const connection = useStore((s) => s.libvirt.connection)
  const loadError = useStore((s) => s.libvirt.error)
  const loaded = useStore((s) => s.libvirt.loaded)
  const settings = useStore((s) => s.settings)
  const report = useStore((s) => s.preflight.report)
  const uri = settings?.connectionUri ?? connection?.uri ?? ''
  const current = currentReport(report, settings?.connectionUri)
  const failed = current?.checks.find((c) => c.id === 'libvirt-connection' && c.status === 'fail') ?? null
  const live = connection && connection.uri === uri ? connection.state : null
  const loadFailed = loadError?.code?.startsWith('libvirt.') ?? false
  if (live === 'connected') return { state: 'ok', uri, detail: '', check: null }
  if (live === 'lost' || loadFailed || (failed && live !== 'connecting')) {
    const detail =
      (live === 'lost' ? connection?.detail : '') ||
      (typeof loadError?.params?.['detail'] === 'string' ? loadError.params['detail'] : '') ||
      failed?.evidence.join('\n') ||
      ''
    return { state: 'unreachable', uri, detail, check: failed }
  }
  return { state: loaded ? 'ok' : 'checking', uri, detail: '', check: null }
}

/**
 * For a button whose action needs libvirt: disabled while it is out of reach, saying so (the panel above the
 * page, `#unreachable`, says why and how to fix it).
 */
export function useNeedsLibvirt(reason: string): { disabled: boolean; title: string | undefined } {
  const off = useReach().state === 'unreachable'
  return { disabled: off, title: off ? reason : undefined }
}

/** What keeps a lab from being built now: libvirt out of reach, or a failed check of the current report. */
export type Blocker = { kind: 'unreachable' } | { kind: 'preflight'; checks: CheckId[] } | null

export function useBlocker(): Blocker {
  const reach = useReach()
  const settings = useStore((s) => s.settings)
  const report = currentReport(
    useStore((s) => s.preflight.report),
    settings?.connectionUri,
  )
  if (reach.state === 'unreachable') return { kind: 'unreachable' }
  const failed = report?.checks.filter((c) => c.status === 'fail').map((c) => c.id) ?? []
  return failed.length ? { kind: 'preflight', checks: failed } : null
}
