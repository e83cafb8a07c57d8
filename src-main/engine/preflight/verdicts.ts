// The verdicts of the seeds' host checks (files 001 and 002): pure functions from the facts preflight read
// (facts.ts) to ok / warn / fail, with what was seen (evidence), a command that fixes it and a hint. Nothing
// here reads the host, so every case is tested on plain fact objects.
import type { CheckStatus } from '../../../src-shared/preflight'
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

export interface CheckOutcome {
  status: CheckStatus
  summary: string
  evidence: string[]
  fix?: string
  hint?: string
}

/** Who and where the checks are for: the connection checked, and the user and system a fix is phrased for. */
export interface CheckTarget {
  uri: string
  uid: number
  user: string
  distro: Distro
}

const ok = (summary: string, evidence: string[]): CheckOutcome => ({ status: 'ok', summary, evidence })

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
  if (libvirt.reachable) return ok(`Connected to ${to.uri}`, libvirt.version)
  const evidence = [`virsh -c ${to.uri}: ${libvirt.detail}`]
  switch (libvirt.errorKind) {
    case 'tool-missing':
      return {
        status: 'fail',
        summary: 'virsh is not installed',
        evidence,
        fix: installCommand(to, to.distro.family, [pkg(to, 'virsh')]),
      }
    case 'unreachable':
      return {
        status: 'fail',
        summary: 'The libvirt daemon is not running or not reachable',
        evidence,
        fix: daemonFix(to),
      }
    case 'permission':
      return {
        status: 'fail',
        summary: 'libvirt refused the connection: no permission',
        evidence,
        fix: accessFix(to),
      }
    case 'host-key':
      return {
        status: 'fail',
        summary: `The SSH host key of ${sshHost(to.uri) ?? ''} is unknown or has changed, so the connection was refused`,
        evidence,
        fix: `${sshCommand(to.uri)} true`,
        hint: "Compare the key fingerprint ssh shows with the remote host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub there) before you accept it.",
      }
    case 'no-driver':
      return {
        status: 'fail',
        summary: 'libvirt has no driver for this connection',
        evidence,
        fix: installCommand(to, to.distro.family, [
          to.distro.family === 'rhel' ? 'libvirt-daemon-kvm' : 'libvirt-daemon-system',
        ]),
      }
    default:
      return { status: 'fail', summary: 'Could not connect to libvirt', evidence, fix: daemonFix(to) }
  }
}

export function accessVerdict(libvirt: LibvirtFacts, groups: string[], to: CheckTarget): CheckOutcome {
  const info = uriInfo(to.uri)
  const who = `user ${to.user} (uid ${to.uid}), groups: ${groups.join(', ') || 'none'}`
  if (libvirt.reachable) {
    const how =
      to.uid === 0
        ? 'running as root'
        : info.session
          ? 'a per-user session connection'
          : 'read-write connection accepted'
    return ok(`You may manage libvirt (${how})`, [who])
  }
  if (libvirt.errorKind === 'permission') {
    return {
      status: 'fail',
      summary: `${to.user} may not manage libvirt on ${to.uri}`,
      evidence: [who, libvirt.detail],
      fix: accessFix(to),
    }
  }
  if (to.uid !== 0 && !info.session && !info.remote && !groups.includes('libvirt')) {
    return {
      status: 'warn',
      summary: `${to.user} is not in the libvirt group; libvirt was not reachable to confirm access`,
      evidence: [who],
      fix: accessFix(to),
    }
  }
  return { status: 'warn', summary: 'Not confirmed: libvirt is not reachable', evidence: [who] }
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
    return ok('KVM can run guests: labs use hardware acceleration', evidence)
  }
  const tcg = 'KVM cannot run guests here: labs will use QEMU software emulation (slow but working)'
  if (!cpu.flag || kvm.pvm) {
    return {
      status: 'warn',
      summary: tcg,
      evidence,
      hint: 'For KVM, enable Intel VT-x or AMD-V in the firmware setup (on a VM: enable nested virtualization on its host).',
    }
  }
  let fix: string | undefined
  if (!kvm.present) fix = sudo(to, `modprobe ${cpu.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel'}`)
  else if (!kvm.writable) fix = `${sudo(to, `usermod -aG kvm ${to.user}`)} && newgrp kvm`
  return fix ? { status: 'warn', summary: tcg, evidence, fix } : { status: 'warn', summary: tcg, evidence }
}

export function cpuFlagsVerdict(cpu: CpuFacts): CheckOutcome {
  const evidence = [`egrep -c '(vmx|svm)' /proc/cpuinfo → ${cpu.virtFlagLines}`, `CPU vendor: ${cpu.vendor}`]
  if (cpu.flag) return ok(`${cpu.flag} present (${cpu.vendor === 'amd' ? 'AMD-V' : 'Intel VT-x'})`, evidence)
  return {
    status: 'warn',
    summary: 'No vmx/svm flag: the CPU offers no hardware virtualization here, so guests use qemu (software)',
    evidence,
    hint: "Enable Intel VT-x or AMD-V in the firmware setup (on a VM: expose it from the VM's host).",
  }
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
    return ok(
      `Nested virtualization is on: the compute node can run KVM instances${configured ? '' : ' (not set in modprobe.d: off after reboot)'}`,
      evidence,
    )
  }
  if (value === null) {
    return {
      status: 'warn',
      summary: `${module} is not loaded: no nested KVM, so instances on the compute node will use qemu`,
      evidence,
      ...(cpu.flag ? { fix } : {}),
    }
  }
  return {
    status: 'warn',
    summary: 'Nested virtualization is off: instances on the compute node will use qemu',
    evidence,
    fix,
  }
}

export function toolsVerdict(tools: ToolFacts[], to: CheckTarget): CheckOutcome {
  const evidence = tools.map(({ tool, path }) => `${tool}: ${path ?? 'not found on PATH'}`)
  evidence.push('virt-install: not needed (Stacklab defines VMs from XML)')
  const missing = tools.filter((t) => !t.path).map((t) => t.tool)
  if (!missing.length) return ok('All required tools are installed', evidence)
  return {
    status: 'fail',
    summary: `Missing: ${missing.join(', ')}`,
    evidence,
    fix: installCommand(
      to,
      to.distro.family,
      missing.map((t) => pkg(to, t)),
    ),
  }
}

export function xfsVerdict(xfs: XfsFacts, to: CheckTarget): CheckOutcome {
  const evidence = xfs.applianceDirs.map(
    ({ dir, xfsLists }) => `${dir}: ${xfsLists.length ? xfsLists.join(', ') : 'no XFS package list'}`,
  )
  evidence.push(`mkfs.xfs: ${xfs.mkfsXfs ?? 'not found'}`)
  if (!xfs.applianceDirs.length) {
    return {
      status: 'fail',
      summary: 'libguestfs (the appliance behind virt-builder) is not installed',
      evidence,
      fix: installCommand(to, to.distro.family, [pkg(to, 'virt-builder'), pkg(to, 'xfs')]),
    }
  }
  if (xfs.applianceDirs.some((d) => d.xfsLists.length) && xfs.mkfsXfs)
    return ok('libguestfs can resize XFS, as CentOS and RHEL templates need', evidence)
  return {
    status: 'warn',
    summary:
      "No XFS support in libguestfs: resizing a CentOS/RHEL template fails with 'virt-resize: error: unknown/unavailable method for expanding the xfs filesystem'",
    evidence,
    fix: installCommand(to, to.distro.family, [pkg(to, 'xfs')]),
  }
}

const GiB = 1024 ** 3

/** `disk` is null when the images directory is on the remote host (nothing to measure from here). */
export function diskVerdict(disk: DiskFacts | null, to: CheckTarget): CheckOutcome {
  if (!disk) {
    return {
      status: 'warn',
      summary: 'Not checked: the images directory is on the remote host',
      evidence: [`connection: ${to.uri}`],
    }
  }
  const { imagesDir, measuredAt } = disk
  if (measuredAt === null) return { status: 'fail', summary: `Cannot read ${imagesDir}`, evidence: [] }
  const free = disk.freeBytes / GiB
  const evidence = [
    `${imagesDir}${measuredAt === imagesDir ? '' : ` (not created yet; measured at ${measuredAt})`}: ${free.toFixed(1)} GiB free`,
    `default lab needs about ${DEFAULT_LAB_NEEDS.diskGiB} GiB (at least ${DEFAULT_LAB_NEEDS.minDiskGiB} GiB)`,
  ]
  if (free >= DEFAULT_LAB_NEEDS.diskGiB) return ok(`${free.toFixed(1)} GiB free`, evidence)
  const fix = `du -sh ${shellQuote(imagesDir)}/* | sort -h`
  const hint =
    'Remove old images you no longer need, or choose an images directory on a bigger disk in Settings.'
  if (free >= DEFAULT_LAB_NEEDS.minDiskGiB) {
    return {
      status: 'warn',
      summary: `${free.toFixed(1)} GiB free: enough for a small lab, tight for OpenStack`,
      evidence,
      fix,
      hint,
    }
  }
  return { status: 'fail', summary: `Only ${free.toFixed(1)} GiB free`, evidence, fix, hint }
}

/** `memory` is null when the guests run on a remote host (this machine's memory says nothing). */
export function memoryVerdict(memory: MemoryFacts | null, to: CheckTarget): CheckOutcome {
  if (!memory) {
    return {
      status: 'warn',
      summary: 'Not checked: guests run on the remote host',
      evidence: [`connection: ${to.uri}`],
    }
  }
  if (memory.availableKiB === null)
    return { status: 'warn', summary: 'Could not read /proc/meminfo', evidence: [] }
  const gib = (kib: number | null) => (kib === null ? 'unknown' : `${(kib / 1024 / 1024).toFixed(1)} GiB`)
  const available = memory.availableKiB / 1024
  const evidence = [
    `MemTotal ${gib(memory.totalKiB)}, MemAvailable ${gib(memory.availableKiB)}`,
    `default lab: ${DEFAULT_LAB_NEEDS.memoryMiB / 1024} GiB (controller 8 GiB + compute 4 GiB)`,
  ]
  if (available >= DEFAULT_LAB_NEEDS.memoryMiB)
    return ok(`${(available / 1024).toFixed(1)} GiB available`, evidence)
  const hint = 'Close other VMs and programs, or give the nodes less memory in the lab definition.'
  if (available >= DEFAULT_LAB_NEEDS.minMemoryMiB) {
    return {
      status: 'warn',
      summary: `${(available / 1024).toFixed(1)} GiB available: less than the default lab needs`,
      evidence,
      hint,
    }
  }
  return { status: 'fail', summary: `Only ${(available / 1024).toFixed(1)} GiB available`, evidence, hint }
}

export function defaultNetworkVerdict(libvirt: LibvirtFacts, to: CheckTarget): CheckOutcome {
  if (!libvirt.reachable || !libvirt.networks) {
    return {
      status: 'fail',
      summary: 'Not checked: libvirt is not reachable',
      evidence: [libvirt.detail].filter(Boolean),
    }
  }
  const { all, active } = libvirt.networks
  const evidence = [
    `networks: ${all.length ? all.map((n) => `${n}${active.includes(n) ? ' (active)' : ' (inactive)'}`).join(', ') : 'none'}`,
  ]
  if (active.includes('default')) return ok("'default' NAT network is active", evidence)
  if (all.includes('default')) {
    return {
      status: 'warn',
      summary: "'default' network exists but is not active",
      evidence,
      fix: `${virshFix(to.uri, 'net-start default')} && ${virshFix(to.uri, 'net-autostart default')}`,
    }
  }
  return {
    status: 'fail',
    summary: "No 'default' network: eth0 of every node needs it for NAT",
    evidence,
    fix: `${virshFix(to.uri, 'net-define /usr/share/libvirt/networks/default.xml')} && ${virshFix(to.uri, 'net-start default')} && ${virshFix(to.uri, 'net-autostart default')}`,
  }
}
