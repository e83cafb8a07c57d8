// The host checks of the seeds (files 001 and 002), each returning ok / warn / fail, what it saw, and a
// command that fixes it.
import { constants, statfs } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { CheckId, CheckStatus } from '../../../src-shared/preflight'
import { LibvirtError, type LibvirtErrorKind } from '../libvirt/errors'
import type { Virsh } from '../libvirt/virsh'
import { attr, child, many, parseXml } from '../libvirt/xml'
import {
  canAccess,
  installCommand,
  listDir,
  readText,
  shellQuote,
  sudo,
  virshFix,
  which,
  type Distro,
  type HostView,
} from './host'
import { DEFAULT_LAB_NEEDS } from './needs'
import { sshCommand, sshHost, uriInfo } from '../libvirt/uri'

export interface CheckOutcome {
  status: CheckStatus
  summary: string
  evidence: string[]
  fix?: string
  hint?: string
}

export interface LibvirtProbe {
  reachable: boolean
  errorKind: LibvirtErrorKind | null
  detail: string
  version: string[]
  /** Domain types libvirt offers for x86_64 guests (`kvm`, `qemu`, `test`). */
  domainTypes: string[]
  networks: { all: string[]; active: string[] } | null
}

export interface PreflightContext {
  uri: string
  host: HostView
  distro: Distro
  virsh: Virsh
  /** Directory lab disks go to; null when it cannot be checked from here (remote connection). */
  imagesDir: string | null
  probe: Promise<LibvirtProbe>
  cpu: Promise<CpuInfo>
}

export interface CpuInfo {
  vendor: 'intel' | 'amd' | 'other'
  /** Lines that carry vmx or svm, as `egrep -c '(vmx|svm)' /proc/cpuinfo` counts them. */
  virtFlagLines: number
  flag: 'vmx' | 'svm' | null
}

export async function readCpu(host: HostView): Promise<CpuInfo> {
  const text = (await readText(host, '/proc/cpuinfo')) ?? ''
  const vendorId = text.match(/^vendor_id\s*:\s*(\S+)/m)?.[1] ?? ''
  const vendor = vendorId === 'GenuineIntel' ? 'intel' : vendorId === 'AuthenticAMD' ? 'amd' : 'other'
  const flagLines = text.split('\n').filter((l) => /^flags\s*:/.test(l))
  const virtFlagLines = flagLines.filter((l) => /\b(vmx|svm)\b/.test(l)).length
  const flag = flagLines.some((l) => /\bvmx\b/.test(l))
    ? 'vmx'
    : flagLines.some((l) => /\bsvm\b/.test(l))
      ? 'svm'
      : null
  return { vendor, virtFlagLines, flag }
}

export async function probeLibvirt(virsh: Virsh): Promise<LibvirtProbe> {
  try {
    const version = (await virsh(['version'], { timeoutMs: 20_000 }))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
    const [caps, all, active] = await Promise.all([
      virsh(['capabilities']).catch(() => ''),
      virsh(['net-list', '--all', '--name']).catch(() => null),
      virsh(['net-list', '--name']).catch(() => null),
    ])
    const names = (s: string) =>
      s
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    return {
      reachable: true,
      errorKind: null,
      detail: '',
      version,
      domainTypes: caps ? domainTypesOf(caps) : [],
      networks: all !== null && active !== null ? { all: names(all), active: names(active) } : null,
    }
  } catch (error) {
    const e = error instanceof LibvirtError ? error : new LibvirtError('other', String(error), '', [])
    return {
      reachable: false,
      errorKind: e.kind,
      detail: e.detail || e.message,
      version: [],
      domainTypes: [],
      networks: null,
    }
  }
}

/** Domain types offered for x86_64 hvm guests in `virsh capabilities`. */
export function domainTypesOf(capabilitiesXml: string): string[] {
  const doc = parseXml(capabilitiesXml)
  const types = new Set<string>()
  for (const guest of many(child(child(doc, 'capabilities'), 'guest'))) {
    for (const arch of many(child(guest, 'arch'))) {
      if (attr(arch, 'name') !== 'x86_64') continue
      for (const domain of many(child(arch, 'domain'))) {
        const type = attr(domain, 'type')
        if (type) types.add(type)
      }
    }
  }
  return [...types].sort()
}

const ok = (summary: string, evidence: string[]): CheckOutcome => ({ status: 'ok', summary, evidence })

function daemonFix(ctx: PreflightContext): string {
  if (uriInfo(ctx.uri).remote) return `${sshCommand(ctx.uri)} sudo systemctl enable --now libvirtd`
  return ctx.distro.family === 'rhel'
    ? sudo(ctx.host, 'systemctl enable --now virtqemud.socket virtnetworkd.socket virtstoraged.socket')
    : sudo(ctx.host, 'systemctl enable --now libvirtd')
}

function accessFix(ctx: PreflightContext): string {
  return `${sudo(ctx.host, `usermod -aG libvirt ${ctx.host.user}`)} && newgrp libvirt`
}

export async function checkConnection(ctx: PreflightContext): Promise<CheckOutcome> {
  const probe = await ctx.probe
  if (probe.reachable) {
    return ok(`Connected to ${ctx.uri}`, probe.version)
  }
  const evidence = [`virsh -c ${ctx.uri}: ${probe.detail}`]
  switch (probe.errorKind) {
    case 'tool-missing':
      return {
        status: 'fail',
        summary: 'virsh is not installed',
        evidence,
        fix: installCommand(ctx.host, ctx.distro.family, [pkg(ctx, 'virsh')]),
      }
    case 'unreachable':
      return {
        status: 'fail',
        summary: 'The libvirt daemon is not running or not reachable',
        evidence,
        fix: daemonFix(ctx),
      }
    case 'permission':
      return {
        status: 'fail',
        summary: 'libvirt refused the connection: no permission',
        evidence,
        fix: accessFix(ctx),
      }
    case 'host-key': {
      const host = sshHost(ctx.uri) ?? ''
      return {
        status: 'fail',
        summary: `The SSH host key of ${host} is unknown or has changed, so the connection was refused`,
        evidence,
        fix: `${sshCommand(ctx.uri)} true`,
        hint: "Compare the key fingerprint ssh shows with the remote host's own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub there) before you accept it.",
      }
    }
    case 'no-driver':
      return {
        status: 'fail',
        summary: 'libvirt has no driver for this connection',
        evidence,
        fix: installCommand(ctx.host, ctx.distro.family, [
          ctx.distro.family === 'rhel' ? 'libvirt-daemon-kvm' : 'libvirt-daemon-system',
        ]),
      }
    default:
      return { status: 'fail', summary: 'Could not connect to libvirt', evidence, fix: daemonFix(ctx) }
  }
}

export async function checkAccess(ctx: PreflightContext): Promise<CheckOutcome> {
  const probe = await ctx.probe
  const info = uriInfo(ctx.uri)
  const groups = await groupsOf(ctx.host)
  const who = `user ${ctx.host.user} (uid ${ctx.host.uid}), groups: ${groups.join(', ') || 'none'}`
  if (probe.reachable) {
    const how =
      ctx.host.uid === 0
        ? 'running as root'
        : info.session
          ? 'a per-user session connection'
          : 'read-write connection accepted'
    return ok(`You may manage libvirt (${how})`, [who])
  }
  if (probe.errorKind === 'permission') {
    return {
      status: 'fail',
      summary: `${ctx.host.user} may not manage libvirt on ${ctx.uri}`,
      evidence: [who, probe.detail],
      fix: accessFix(ctx),
    }
  }
  if (ctx.host.uid !== 0 && !info.session && !info.remote && !groups.includes('libvirt')) {
    return {
      status: 'warn',
      summary: `${ctx.host.user} is not in the libvirt group; libvirt was not reachable to confirm access`,
      evidence: [who],
      fix: accessFix(ctx),
    }
  }
  return { status: 'warn', summary: 'Not confirmed: libvirt is not reachable', evidence: [who] }
}

async function groupsOf(host: HostView): Promise<string[]> {
  const text = (await readText(host, '/etc/group')) ?? ''
  const mine = new Set<string>()
  const gids = new Set(
    typeof process.getgroups === 'function' && host.root === '/' ? process.getgroups() : [],
  )
  for (const line of text.split('\n')) {
    const [name, , gid, members] = line.split(':')
    if (!name) continue
    if ((members ?? '').split(',').includes(host.user) || gids.has(Number(gid))) mine.add(name)
  }
  return [...mine].sort()
}

export async function checkKvm(ctx: PreflightContext): Promise<CheckOutcome> {
  const [probe, cpu] = await Promise.all([ctx.probe, ctx.cpu])
  const present = await canAccess(ctx.host, '/dev/kvm', constants.F_OK)
  const rw = present && (await canAccess(ctx.host, '/dev/kvm', constants.R_OK | constants.W_OK))
  const pvm = (await listDir(ctx.host, '/sys/module')).includes('kvm_pvm')
  const evidence = [
    `/dev/kvm: ${present ? (rw ? 'present, read-write' : 'present, not writable by you') : 'absent'}`,
    `CPU virtualization flag: ${cpu.flag ?? 'none (no vmx or svm)'}`,
  ]
  if (pvm)
    evidence.push(
      'KVM is provided by kvm_pvm (a paravirtual nested hypervisor): ordinary guests do not run on it',
    )
  if (probe.reachable && probe.domainTypes.length)
    evidence.push(`libvirt offers domain types: ${probe.domainTypes.join(', ')}`)
  const libvirtKvm = !probe.reachable || probe.domainTypes.length === 0 || probe.domainTypes.includes('kvm')
  if (present && rw && cpu.flag && !pvm && libvirtKvm) {
    return ok('KVM can run guests: labs use hardware acceleration', evidence)
  }
  const tcg = 'KVM cannot run guests here: labs will use QEMU software emulation (slow but working)'
  if (!cpu.flag || pvm) {
    return {
      status: 'warn',
      summary: tcg,
      evidence,
      hint: 'For KVM, enable Intel VT-x or AMD-V in the firmware setup (on a VM: enable nested virtualization on its host).',
    }
  }
  let fix: string | undefined
  if (!present) fix = sudo(ctx.host, `modprobe ${cpu.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel'}`)
  else if (!rw) fix = `${sudo(ctx.host, `usermod -aG kvm ${ctx.host.user}`)} && newgrp kvm`
  return fix ? { status: 'warn', summary: tcg, evidence, fix } : { status: 'warn', summary: tcg, evidence }
}

export async function checkCpuFlags(ctx: PreflightContext): Promise<CheckOutcome> {
  const cpu = await ctx.cpu
  const evidence = [`egrep -c '(vmx|svm)' /proc/cpuinfo → ${cpu.virtFlagLines}`, `CPU vendor: ${cpu.vendor}`]
  if (cpu.flag) return ok(`${cpu.flag} present (${cpu.vendor === 'amd' ? 'AMD-V' : 'Intel VT-x'})`, evidence)
  return {
    status: 'warn',
    summary: 'No vmx/svm flag: the CPU offers no hardware virtualization here, so guests use qemu (software)',
    evidence,
    hint: "Enable Intel VT-x or AMD-V in the firmware setup (on a VM: expose it from the VM's host).",
  }
}

export async function checkNested(ctx: PreflightContext): Promise<CheckOutcome> {
  const cpu = await ctx.cpu
  const module = cpu.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel'
  const evidence: string[] = []
  const value = (await readText(ctx.host, `/sys/module/${module}/parameters/nested`))?.trim()
  evidence.push(`/sys/module/${module}/parameters/nested: ${value ?? `absent (${module} not loaded)`}`)
  // The modprobe.d line that turns it on at boot, and the seed's typo ("option" is ignored by modprobe).
  let configured = false
  for (const dir of ['/etc/modprobe.d', '/usr/lib/modprobe.d', '/lib/modprobe.d']) {
    for (const name of await listDir(ctx.host, dir)) {
      if (!name.endsWith('.conf')) continue
      const text = (await readText(ctx.host, `${dir}/${name}`)) ?? ''
      for (const line of text.split('\n')) {
        const t = line.trim()
        if (!/\bkvm_(intel|amd)\b.*\bnested=/.test(t) || t.startsWith('#')) continue
        if (/^options\s/.test(t)) {
          configured = true
          evidence.push(`${dir}/${name}: ${t}`)
        } else if (/^option\s/.test(t)) {
          evidence.push(`${dir}/${name}: "${t}" is ignored: the keyword is "options"`)
        }
      }
    }
  }
  const fix = `echo 'options ${module} nested=1' | ${sudo(ctx.host, 'tee /etc/modprobe.d/kvm-nested.conf')} && ${sudo(ctx.host, `modprobe -r ${module}`)} && ${sudo(ctx.host, `modprobe ${module}`)}`
  if (value === 'Y' || value === '1') {
    return ok(
      `Nested virtualization is on: the compute node can run KVM instances${configured ? '' : ' (not set in modprobe.d: off after reboot)'}`,
      evidence,
    )
  }
  if (value === undefined) {
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

const PACKAGES: Record<string, Record<Distro['family'], string>> = {
  virsh: {
    debian: 'libvirt-clients',
    rhel: 'libvirt-client',
    suse: 'libvirt-client',
    arch: 'libvirt',
    unknown: 'libvirt-clients',
  },
  'virt-builder': {
    debian: 'libguestfs-tools',
    rhel: 'guestfs-tools',
    suse: 'guestfs-tools',
    arch: 'guestfs-tools',
    unknown: 'libguestfs-tools',
  },
  'virt-customize': {
    debian: 'libguestfs-tools',
    rhel: 'guestfs-tools',
    suse: 'guestfs-tools',
    arch: 'guestfs-tools',
    unknown: 'libguestfs-tools',
  },
  'qemu-img': {
    debian: 'qemu-utils',
    rhel: 'qemu-img',
    suse: 'qemu-tools',
    arch: 'qemu-img',
    unknown: 'qemu-utils',
  },
  xfs: {
    debian: 'libguestfs-xfs',
    rhel: 'libguestfs-xfs',
    suse: 'libguestfs-xfs',
    arch: 'xfsprogs',
    unknown: 'libguestfs-xfs',
  },
}

function pkg(ctx: PreflightContext, tool: keyof typeof PACKAGES): string {
  return PACKAGES[tool]![ctx.distro.family]
}

export const REQUIRED_TOOLS = ['virsh', 'virt-builder', 'virt-customize', 'qemu-img'] as const

export async function checkTools(ctx: PreflightContext): Promise<CheckOutcome> {
  const found = await Promise.all(REQUIRED_TOOLS.map(async (t) => [t, await which(ctx.host, t)] as const))
  const evidence = found.map(([t, p]) => `${t}: ${p ?? 'not found on PATH'}`)
  evidence.push('virt-install: not needed (Stacklab defines VMs from XML)')
  const missing = found.filter(([, p]) => !p).map(([t]) => t)
  if (!missing.length) return ok('All required tools are installed', evidence)
  return {
    status: 'fail',
    summary: `Missing: ${missing.join(', ')}`,
    evidence,
    fix: installCommand(
      ctx.host,
      ctx.distro.family,
      missing.map((t) => pkg(ctx, t)),
    ),
  }
}

const SUPERMIN_DIRS = [
  '/usr/lib/x86_64-linux-gnu/guestfs/supermin.d',
  '/usr/lib64/guestfs/supermin.d',
  '/usr/lib/guestfs/supermin.d',
]

export async function checkXfs(ctx: PreflightContext): Promise<CheckOutcome> {
  const evidence: string[] = []
  let appliance = false
  let xfsPackages = false
  for (const dir of SUPERMIN_DIRS) {
    const names = await listDir(ctx.host, dir)
    if (!names.length) continue
    appliance = true
    const xfs = names.filter((n) => /packages-xfs$/.test(n))
    if (xfs.length) xfsPackages = true
    evidence.push(`${dir}: ${xfs.length ? xfs.join(', ') : 'no XFS package list'}`)
  }
  const mkfs =
    (await which(ctx.host, 'mkfs.xfs')) ??
    (await which({ ...ctx.host, path: `${ctx.host.path}:/sbin:/usr/sbin` }, 'mkfs.xfs'))
  evidence.push(`mkfs.xfs: ${mkfs ?? 'not found'}`)
  if (!appliance) {
    return {
      status: 'fail',
      summary: 'libguestfs (the appliance behind virt-builder) is not installed',
      evidence,
      fix: installCommand(ctx.host, ctx.distro.family, [pkg(ctx, 'virt-builder'), pkg(ctx, 'xfs')]),
    }
  }
  if (xfsPackages && mkfs) return ok('libguestfs can resize XFS, as CentOS and RHEL templates need', evidence)
  return {
    status: 'warn',
    summary:
      "No XFS support in libguestfs: resizing a CentOS/RHEL template fails with 'virt-resize: error: unknown/unavailable method for expanding the xfs filesystem'",
    evidence,
    fix: installCommand(ctx.host, ctx.distro.family, [pkg(ctx, 'xfs')]),
  }
}

const GiB = 1024 ** 3

export async function checkDisk(ctx: PreflightContext): Promise<CheckOutcome> {
  if (!ctx.imagesDir) {
    return {
      status: 'warn',
      summary: 'Not checked: the images directory is on the remote host',
      evidence: [`connection: ${ctx.uri}`],
    }
  }
  // The directory may not exist yet: measure the filesystem it will be created on.
  let dir = ctx.imagesDir
  let stats = null
  while (!stats) {
    try {
      stats = await statfs(dir)
    } catch {
      const up = dirname(dir)
      if (up === dir) break
      dir = up
    }
  }
  if (!stats) return { status: 'fail', summary: `Cannot read ${ctx.imagesDir}`, evidence: [] }
  const free = (stats.bavail * stats.bsize) / GiB
  const evidence = [
    `${ctx.imagesDir}${dir === ctx.imagesDir ? '' : ` (not created yet; measured at ${dir})`}: ${free.toFixed(1)} GiB free`,
    `default lab needs about ${DEFAULT_LAB_NEEDS.diskGiB} GiB (at least ${DEFAULT_LAB_NEEDS.minDiskGiB} GiB)`,
  ]
  if (free >= DEFAULT_LAB_NEEDS.diskGiB) return ok(`${free.toFixed(1)} GiB free`, evidence)
  const fix = `du -sh ${shellQuote(ctx.imagesDir)}/* | sort -h`
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

export async function checkMemory(ctx: PreflightContext): Promise<CheckOutcome> {
  if (uriInfo(ctx.uri).remote) {
    return {
      status: 'warn',
      summary: 'Not checked: guests run on the remote host',
      evidence: [`connection: ${ctx.uri}`],
    }
  }
  const text = (await readText(ctx.host, '/proc/meminfo')) ?? ''
  const kib = (key: string) => Number(text.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN)
  const total = kib('MemTotal') / 1024
  const available = kib('MemAvailable') / 1024
  if (!Number.isFinite(available))
    return { status: 'warn', summary: 'Could not read /proc/meminfo', evidence: [] }
  const evidence = [
    `MemTotal ${(total / 1024).toFixed(1)} GiB, MemAvailable ${(available / 1024).toFixed(1)} GiB`,
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

export async function checkDefaultNetwork(ctx: PreflightContext): Promise<CheckOutcome> {
  const probe = await ctx.probe
  if (!probe.reachable || !probe.networks) {
    return {
      status: 'fail',
      summary: 'Not checked: libvirt is not reachable',
      evidence: [probe.detail].filter(Boolean),
    }
  }
  const { all, active } = probe.networks
  const evidence = [
    `networks: ${all.length ? all.map((n) => `${n}${active.includes(n) ? ' (active)' : ' (inactive)'}`).join(', ') : 'none'}`,
  ]
  if (active.includes('default')) return ok("'default' NAT network is active", evidence)
  if (all.includes('default')) {
    return {
      status: 'warn',
      summary: "'default' network exists but is not active",
      evidence,
      fix: `${virshFix(ctx.uri, 'net-start default')} && ${virshFix(ctx.uri, 'net-autostart default')}`,
    }
  }
  return {
    status: 'fail',
    summary: "No 'default' network: eth0 of every node needs it for NAT",
    evidence,
    fix: `${virshFix(ctx.uri, 'net-define /usr/share/libvirt/networks/default.xml')} && ${virshFix(ctx.uri, 'net-start default')} && ${virshFix(ctx.uri, 'net-autostart default')}`,
  }
}

export const CHECKS: Record<CheckId, (ctx: PreflightContext) => Promise<CheckOutcome>> = {
  'libvirt-connection': checkConnection,
  'libvirt-access': checkAccess,
  'kvm-device': checkKvm,
  'cpu-virt-flags': checkCpuFlags,
  'nested-virt': checkNested,
  tools: checkTools,
  'libguestfs-xfs': checkXfs,
  'disk-space': checkDisk,
  memory: checkMemory,
  'default-network': checkDefaultNetwork,
}
