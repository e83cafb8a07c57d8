// The verdicts of the seeds' host checks (files 001 and 002): pure functions from the facts preflight read
// (facts.ts) to ok / warn / fail, with what was seen (evidence), a command that fixes it and a hint. Nothing
// here reads the host, so every case is tested on plain fact objects.
import type { CheckId, CheckStatus } from '../../../src-shared/preflight'
import { sshCommand, sshHost, uriInfo } from '../libvirt/uri'
import type {
  CpuFacts,
  DiskFacts,
  KvmFacts,
  LibvirtFacts,
  MemoryFacts,
  NestedFacts,
  ToolFacts,
  XfsFacts,
} from './facts'
import { installCommand, packageFor, shellQuote, sudo, virshFix, type PackagedTool } from './fix'
import type { Distro } from './host'
import { DEFAULT_LAB_NEEDS } from './needs'
import {
  saidInEnglish,
  type PreflightSayKey,
  type Said,
  type SaidParams,
} from '../../../src-shared/preflight-says'

export interface CheckOutcome {
  status: CheckStatus
  /** The English sentences (what the CLI prints); `says` carries the same as keys and parameters. */
  summary: string
  evidence: string[]
  fix?: string
  hint?: string
  says: { summary: Said[]; hint: Said[] }
  /** Set on a skipped check: the failed check it needs. */
  blockedBy?: CheckId
}

/** Who and where the checks are for: the connection checked, and the user and system a fix is phrased for. */
export interface CheckTarget {
  uri: string
  uid: number
  user: string
  distro: Distro
}

/** One sentence of the table in src-shared/preflight-says.ts. */
interface Sentence {
  key: PreflightSayKey
  params: SaidParams
}
const say = (key: PreflightSayKey, params: SaidParams = {}): Sentence => ({ key, params })

/** A verdict: its sentences said in English and carried as keys for the renderer to translate. */
function verdict(
  status: CheckStatus,
  summary: Sentence,
  evidence: string[],
  more: { fix?: string | undefined; hint?: Sentence | undefined } = {},
): CheckOutcome {
  const outcome: CheckOutcome = {
    status,
    summary: saidInEnglish(summary),
    evidence,
    says: { summary: [summary], hint: more.hint ? [more.hint] : [] },
  }
  if (more.fix !== undefined) outcome.fix = more.fix
  if (more.hint) outcome.hint = saidInEnglish(more.hint)
  return outcome
}

const ok = (summary: Sentence, evidence: string[]): CheckOutcome => verdict('ok', summary, evidence)

/**
 * Not judged: the check needs what `blockedBy` checks, and that failed. Counted apart, neither passed nor
 * failed, so the failed check stays the one to fix (a stopped daemon is one problem, not three).
 */
function skipped(summary: Sentence, evidence: string[], blockedBy: CheckId): CheckOutcome {
  return { ...verdict('skip', summary, evidence), blockedBy }
}

const pkg = (to: CheckTarget, tool: PackagedTool) => packageFor(tool, to.distro.family)

function daemonFix(to: CheckTarget): string {
  if (uriInfo(to.uri).remote) return `${sshCommand(to.uri)} sudo systemctl enable --now libvirtd`
  return to.distro.family === 'rhel'
    ? sudo(to, 'systemctl enable --now virtqemud.socket virtnetworkd.socket virtstoraged.socket')
    : sudo(to, 'systemctl enable --now libvirtd')
}

function accessFix(to: CheckTarget): string {
  return `${sudo(to, `usermod -aG libvirt ${to.user}`)} && newgrp libvirt`
}

export function connectionVerdict(libvirt: LibvirtFacts, to: CheckTarget): CheckOutcome {
  if (libvirt.reachable) return ok(say('connected', { uri: to.uri }), libvirt.version)
  const evidence = [`virsh -c ${to.uri}: ${libvirt.detail}`]
  switch (libvirt.errorKind) {
    case 'tool-missing':
      return verdict('fail', say('virsh-missing'), evidence, {
        fix: installCommand(to, to.distro.family, [pkg(to, 'virsh')]),
      })
    case 'unreachable':
      return verdict('fail', say('daemon-unreachable'), evidence, { fix: daemonFix(to) })
    case 'permission':
      return verdict('fail', say('connection-permission'), evidence, { fix: accessFix(to) })
    case 'host-key':
      return verdict('fail', say('host-key', { host: sshHost(to.uri) ?? '' }), evidence, {
        fix: `${sshCommand(to.uri)} true`,
        hint: say('host-key.hint'),
      })
    case 'no-driver':
      return verdict('fail', say('no-driver'), evidence, {
        fix: installCommand(to, to.distro.family, [
          to.distro.family === 'rhel' ? 'libvirt-daemon-kvm' : 'libvirt-daemon-system',
        ]),
      })
    default:
      return verdict('fail', say('connect-failed'), evidence, { fix: daemonFix(to) })
  }
}

export function accessVerdict(libvirt: LibvirtFacts, groups: string[], to: CheckTarget): CheckOutcome {
  const info = uriInfo(to.uri)
  const who = `user ${to.user} (uid ${to.uid}), groups: ${groups.join(', ') || 'none'}`
  if (libvirt.reachable) {
    const how = to.uid === 0 ? 'access-root' : info.session ? 'access-session' : 'access-read-write'
    return ok(say(how), [who])
  }
  if (libvirt.errorKind === 'permission') {
    return verdict('fail', say('access-denied', { user: to.user, uri: to.uri }), [who, libvirt.detail], {
      fix: accessFix(to),
    })
  }
  if (to.uid !== 0 && !info.session && !info.remote && !groups.includes('libvirt')) {
    return verdict('warn', say('access-not-in-group', { user: to.user }), [who], { fix: accessFix(to) })
  }
  return skipped(say('access-unconfirmed'), [who], 'libvirt-connection')
}

export function kvmVerdict(
  libvirt: LibvirtFacts,
  cpu: CpuFacts,
  kvm: KvmFacts,
  to: CheckTarget,
): CheckOutcome {
  const evidence = [
    `/dev/kvm: ${kvm.present ? (kvm.writable ? 'present, read-write' : 'present, not writable by you') : 'absent'}`,
    `CPU virtualization flag: ${cpu.flag ?? 'none (no vmx or svm)'}`,
  ]
  if (kvm.pvm)
    evidence.push(
      'KVM is provided by kvm_pvm (a paravirtual nested hypervisor): ordinary guests do not run on it',
    )
  if (libvirt.reachable && libvirt.domainTypes.length)
    evidence.push(`libvirt offers domain types: ${libvirt.domainTypes.join(', ')}`)
  const libvirtKvm =
    !libvirt.reachable || libvirt.domainTypes.length === 0 || libvirt.domainTypes.includes('kvm')
  if (kvm.present && kvm.writable && cpu.flag && !kvm.pvm && libvirtKvm) {
    return ok(say('kvm-ok'), evidence)
  }
  if (!cpu.flag || kvm.pvm) {
    return verdict('warn', say('kvm-tcg'), evidence, { hint: say('kvm-tcg.hint') })
  }
  let fix: string | undefined
  if (!kvm.present) fix = sudo(to, `modprobe ${cpu.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel'}`)
  else if (!kvm.writable) fix = `${sudo(to, `usermod -aG kvm ${to.user}`)} && newgrp kvm`
  return verdict('warn', say('kvm-tcg'), evidence, { fix })
}

export function cpuFlagsVerdict(cpu: CpuFacts): CheckOutcome {
  const evidence = [`egrep -c '(vmx|svm)' /proc/cpuinfo → ${cpu.virtFlagLines}`, `CPU vendor: ${cpu.vendor}`]
  if (cpu.flag)
    return ok(
      say('cpu-flag', { flag: cpu.flag, technology: cpu.vendor === 'amd' ? 'AMD-V' : 'Intel VT-x' }),
      evidence,
    )
  return verdict('warn', say('cpu-no-flag'), evidence, { hint: say('cpu-no-flag.hint') })
}

export function nestedVerdict(cpu: CpuFacts, nested: NestedFacts, to: CheckTarget): CheckOutcome {
  const { module, value } = nested
  const evidence = [`/sys/module/${module}/parameters/nested: ${value ?? `absent (${module} not loaded)`}`]
  // The modprobe.d line that turns it on at boot, and the seed's typo ("option" is ignored by modprobe).
  let configured = false
  for (const { file, line } of nested.modprobeLines) {
    if (/^options\s/.test(line)) {
      configured = true
      evidence.push(`${file}: ${line}`)
    } else if (/^option\s/.test(line)) {
      evidence.push(`${file}: "${line}" is ignored: the keyword is "options"`)
    }
  }
  const fix = `echo 'options ${module} nested=1' | ${sudo(to, 'tee /etc/modprobe.d/kvm-nested.conf')} && ${sudo(to, `modprobe -r ${module}`)} && ${sudo(to, `modprobe ${module}`)}`
  if (value === 'Y' || value === '1') {
    return ok(say(configured ? 'nested-on' : 'nested-on-until-reboot'), evidence)
  }
  if (value === null) {
    return verdict('warn', say('nested-module-not-loaded', { module }), evidence, {
      fix: cpu.flag ? fix : undefined,
    })
  }
  return verdict('warn', say('nested-off'), evidence, { fix })
}

export function toolsVerdict(tools: ToolFacts[], to: CheckTarget): CheckOutcome {
  const evidence = tools.map(({ tool, path }) => `${tool}: ${path ?? 'not found on PATH'}`)
  evidence.push('virt-install: not needed (Stacklab defines VMs from XML)')
  const missing = tools.filter((t) => !t.path).map((t) => t.tool)
  if (!missing.length) return ok(say('tools-ok'), evidence)
  return verdict('fail', say('tools-missing', { tools: missing.join(', ') }), evidence, {
    fix: installCommand(
      to,
      to.distro.family,
      missing.map((t) => pkg(to, t)),
    ),
  })
}

export function xfsVerdict(xfs: XfsFacts, to: CheckTarget): CheckOutcome {
  const evidence = xfs.applianceDirs.map(
    ({ dir, xfsLists }) => `${dir}: ${xfsLists.length ? xfsLists.join(', ') : 'no XFS package list'}`,
  )
  evidence.push(`mkfs.xfs: ${xfs.mkfsXfs ?? 'not found'}`)
  if (!xfs.applianceDirs.length) {
    return verdict('fail', say('guestfs-missing'), evidence, {
      fix: installCommand(to, to.distro.family, [pkg(to, 'virt-builder'), pkg(to, 'xfs')]),
    })
  }
  if (xfs.applianceDirs.some((d) => d.xfsLists.length) && xfs.mkfsXfs) return ok(say('xfs-ok'), evidence)
  return verdict('warn', say('xfs-missing'), evidence, {
    fix: installCommand(to, to.distro.family, [pkg(to, 'xfs')]),
  })
}

const GiB = 1024 ** 3

/** `disk` is null when the images directory is on the remote host (nothing to measure from here). */
export function diskVerdict(disk: DiskFacts | null, to: CheckTarget): CheckOutcome {
  if (!disk) return verdict('warn', say('disk-remote'), [`connection: ${to.uri}`])
  const { imagesDir, measuredAt } = disk
  if (measuredAt === null) return verdict('fail', say('disk-unreadable', { dir: imagesDir }), [])
  const free = (disk.freeBytes / GiB).toFixed(1)
  const evidence = [
    `free space in ${imagesDir}${measuredAt === imagesDir ? '' : ` (not created yet; measured at ${measuredAt})`}: ${free} GiB`,
    `default lab needs about ${DEFAULT_LAB_NEEDS.diskGiB} GiB (at least ${DEFAULT_LAB_NEEDS.minDiskGiB} GiB)`,
  ]
  const freeGiB = disk.freeBytes / GiB
  if (freeGiB >= DEFAULT_LAB_NEEDS.diskGiB) return ok(say('disk-ok', { free }), evidence)
  const more = { fix: `du -sh ${shellQuote(imagesDir)}/* | sort -h`, hint: say('disk.hint') }
  if (freeGiB >= DEFAULT_LAB_NEEDS.minDiskGiB)
    return verdict('warn', say('disk-tight', { free }), evidence, more)
  return verdict('fail', say('disk-low', { free }), evidence, more)
}

/** `memory` is null when the guests run on a remote host (this machine's memory says nothing). */
export function memoryVerdict(memory: MemoryFacts | null, to: CheckTarget): CheckOutcome {
  if (!memory) return verdict('warn', say('memory-remote'), [`connection: ${to.uri}`])
  if (memory.availableKiB === null) return verdict('warn', say('meminfo-unreadable'), [])
  const gib = (kib: number | null) => (kib === null ? 'unknown' : `${(kib / 1024 / 1024).toFixed(1)} GiB`)
  const availableMiB = memory.availableKiB / 1024
  const available = (availableMiB / 1024).toFixed(1)
  const evidence = [
    `MemTotal ${gib(memory.totalKiB)}, MemAvailable ${gib(memory.availableKiB)}`,
    `default lab: ${DEFAULT_LAB_NEEDS.memoryMiB / 1024} GiB (controller 8 GiB + compute 4 GiB)`,
  ]
  if (availableMiB >= DEFAULT_LAB_NEEDS.memoryMiB) return ok(say('memory-ok', { available }), evidence)
  const more = { hint: say('memory.hint') }
  if (availableMiB >= DEFAULT_LAB_NEEDS.minMemoryMiB)
    return verdict('warn', say('memory-tight', { available }), evidence, more)
  return verdict('fail', say('memory-low', { available }), evidence, more)
}

export function defaultNetworkVerdict(libvirt: LibvirtFacts, to: CheckTarget): CheckOutcome {
  if (!libvirt.reachable)
    return skipped(say('network-unchecked'), [libvirt.detail].filter(Boolean), 'libvirt-connection')
  // Reachable, yet its networks could not be listed: a failure of this check's own.
  if (!libvirt.networks) return verdict('fail', say('network-unchecked'), [libvirt.detail].filter(Boolean))
  const { all, active } = libvirt.networks
  const evidence = [
    `networks: ${all.length ? all.map((n) => `${n}${active.includes(n) ? ' (active)' : ' (inactive)'}`).join(', ') : 'none'}`,
  ]
  if (active.includes('default')) return ok(say('network-ok'), evidence)
  if (all.includes('default')) {
    return verdict('warn', say('network-inactive'), evidence, {
      fix: `${virshFix(to.uri, 'net-start default')} && ${virshFix(to.uri, 'net-autostart default')}`,
    })
  }
  return verdict('fail', say('network-missing'), evidence, {
    fix: `${virshFix(to.uri, 'net-define /usr/share/libvirt/networks/default.xml')} && ${virshFix(to.uri, 'net-start default')} && ${virshFix(to.uri, 'net-autostart default')}`,
  })
}
