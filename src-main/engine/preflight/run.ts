// One preflight run: every check at once, each reported the moment it finishes, then the whole report.
import {
  CHECK_ORDER,
  CHECK_TITLES,
  type PreflightCheck,
  type PreflightReport,
} from '../../../src-shared/preflight'
import type { Run } from '../exec'
import { createVirsh } from '../libvirt/virsh'
import { CHECKS, type PreflightContext } from './checks'
import { connectionVerdict } from './verdicts'
import { probeLibvirt, readCpu } from './facts'
import { detectDistro, type HostView } from './host'
import { defaultImagesDir } from '../libvirt/uri'
import type { RefusedSetting } from '../settings'
import { saidInEnglish } from '../../../src-shared/preflight-says'

export interface PreflightOptions {
  uri: string
  run: Run
  host: HostView
  /** From settings; empty means libvirt's default for the connection. */
  imagesDir: string
  /** Values of the settings file that were refused at load: said on the connection check, never used. */
  refused?: RefusedSetting[]
  onCheck?: (check: PreflightCheck) => void
}

export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
  const startedAt = new Date().toISOString()
  const virsh = createVirsh(options.run, options.uri)
  const ctx: PreflightContext = {
    uri: options.uri,
    host: options.host,
    distro: await detectDistro(options.host),
    imagesDir: options.imagesDir || defaultImagesDir(options.uri),
    libvirt: probeLibvirt(virsh),
    cpu: readCpu(options.host),
  }
  const checks = await Promise.all(
    CHECK_ORDER.map(async (id) => {
      const t0 = performance.now()
      let check: PreflightCheck
      try {
        const outcome = await CHECKS[id](ctx)
        check = { id, title: CHECK_TITLES[id], ...outcome, durationMs: Math.round(performance.now() - t0) }
        if (id === 'libvirt-connection') check = withRefusedUri(check, options)
      } catch (error) {
        // A check that breaks is reported, not allowed to sink the run.
        check = {
          id,
          title: CHECK_TITLES[id],
          status: 'fail',
          summary: saidInEnglish({ key: 'check-broke', params: {} }),
          evidence: [(error as Error).message ?? String(error)],
          says: { summary: [{ key: 'check-broke', params: {} }], hint: [] },
          durationMs: Math.round(performance.now() - t0),
        }
      }
      options.onCheck?.(check)
      return check
    }),
  )
  const counts = { ok: 0, warn: 0, fail: 0, skip: 0 }
  for (const c of checks) counts[c.status]++
  const kvm = checks.find((c) => c.id === 'kvm-device')
  return {
    uri: options.uri,
    startedAt,
    finishedAt: new Date().toISOString(),
    checks,
    counts,
    virtType: kvm?.status === 'ok' ? 'kvm' : 'qemu',
    ready: counts.fail === 0,
  }
}

/** The connection check, telling that the saved connection URI was refused and what is used instead. */
function withRefusedUri(check: PreflightCheck, options: PreflightOptions): PreflightCheck {
  const refused = options.refused?.find((r) => r.key === 'connectionUri')
  if (!refused) return check
  const said = { key: 'uri-refused', params: { uri: options.uri } } as const
  const hint = { key: 'uri-refused.hint', params: { keptAt: refused.keptAt } } as const
  return {
    ...check,
    status: check.status === 'ok' ? 'warn' : check.status,
    summary: `${saidInEnglish(said)} ${check.summary}`,
    evidence: [
      `saved connectionUri ${refused.value} was refused: ${refused.reason}`,
      `the original settings file is kept at ${refused.keptAt}`,
      ...check.evidence,
    ],
    hint: `${saidInEnglish(hint)}${check.hint ? ` ${check.hint}` : ''}`,
    says: {
      summary: [said, ...(check.says?.summary ?? [])],
      hint: [hint, ...(check.says?.hint ?? [])],
    },
  }
}

/**
 * One connection checked the way preflight's first check does, and nothing else (Settings' "Test connection"):
 * whether libvirt answers there, in the same words, with the same fix. Nothing is saved or remembered.
 */
export async function testConnection(options: {
  uri: string
  run: Run
  host: HostView
}): Promise<PreflightCheck> {
  const t0 = performance.now()
  const [libvirt, distro] = await Promise.all([
    probeLibvirt(createVirsh(options.run, options.uri)),
    detectDistro(options.host),
  ])
  const outcome = connectionVerdict(libvirt, {
    uri: options.uri,
    uid: options.host.uid,
    user: options.host.user,
    distro,
  })
  return {
    id: 'libvirt-connection',
    title: CHECK_TITLES['libvirt-connection'],
    ...outcome,
    durationMs: Math.round(performance.now() - t0),
  }
}
