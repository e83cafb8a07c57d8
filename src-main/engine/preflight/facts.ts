// What preflight reads from the host, and nothing more: libvirt asked through engine/libvirt, files read
// under the host view's root (host.ts), PATH searched, the images directory's filesystem measured. Each
// reader hands back plain facts; verdicts.ts judges them. Text is turned into facts by the pure parsers
// here (cpuFactsOf, meminfoOf, groupsOf), so a check's reading and its judging are tested apart.
import { constants, statfs } from 'node:fs/promises'
import { dirname } from 'node:path'
import { connectionDomainTypes, connectionVersion } from '../libvirt/connection'
import { LibvirtError, type LibvirtErrorKind } from '../libvirt/errors'
import { networkList } from '../libvirt/network'
import type { Virsh } from '../libvirt/virsh'
import { canAccess, listDir, readText, which, type HostView } from './host'

export interface LibvirtFacts {
  reachable: boolean
  errorKind: LibvirtErrorKind | null
  detail: string
  /** `virsh version`, line by line. */
  version: string[]
  /** Domain types libvirt offers for x86_64 guests (`kvm`, `qemu`, `test`). */
  domainTypes: string[]
  /** Network names; null when they could not be read. */
  networks: { all: string[]; active: string[] } | null
}

export interface CpuFacts {
  vendor: 'intel' | 'amd' | 'other'
  /** Lines that carry vmx or svm, as `egrep -c '(vmx|svm)' /proc/cpuinfo` counts them. */
  virtFlagLines: number
  flag: 'vmx' | 'svm' | null
}

export interface KvmFacts {
  /** /dev/kvm exists. */
  present: boolean
  /** ...and the user may read and write it. */
  writable: boolean
  /** KVM comes from kvm_pvm, a paravirtual nested hypervisor. */
  pvm: boolean
}

export interface NestedFacts {
  module: 'kvm_intel' | 'kvm_amd'
  /** /sys/module/MODULE/parameters/nested, trimmed; null when the module is not loaded. */
  value: string | null
  /** Lines of modprobe.d files that set kvm_intel/kvm_amd nested= (comments left out), in file order. */
  modprobeLines: { file: string; line: string }[]
}

export interface ToolFacts {
  tool: RequiredTool
  /** Where it is on PATH, or null. */
  path: string | null
}

export interface XfsFacts {
  /** libguestfs appliance folders that exist, each with its XFS package lists. */
  applianceDirs: { dir: string; xfsLists: string[] }[]
  mkfsXfs: string | null
}

export interface DiskFacts {
  imagesDir: string
  /** The folder measured: the images directory, or the nearest existing folder above it; null: none. */
  measuredAt: string | null
  freeBytes: number
}

export interface MemoryFacts {
  /** From /proc/meminfo; null when the line is missing. */
  totalKiB: number | null
  availableKiB: number | null
}

export async function probeLibvirt(virsh: Virsh): Promise<LibvirtFacts> {
  try {
    const version = await connectionVersion(virsh, { timeoutMs: 20_000 })
    const [domainTypes, networks] = await Promise.all([
      connectionDomainTypes(virsh).catch(() => []),
      networkList(virsh).then(
        (nets) => ({
          all: nets.map((n) => n.name),
          active: nets.filter((n) => n.active).map((n) => n.name),
        }),
        () => null,
      ),
    ])
    return { reachable: true, errorKind: null, detail: '', version, domainTypes, networks }
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

/** /proc/cpuinfo text → the vendor and the virtualization flag. */
export function cpuFactsOf(text: string): CpuFacts {
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

export async function readCpu(host: HostView): Promise<CpuFacts> {
  return cpuFactsOf((await readText(host, '/proc/cpuinfo')) ?? '')
}

export async function readKvm(host: HostView): Promise<KvmFacts> {
  const present = await canAccess(host, '/dev/kvm', constants.F_OK)
  const writable = present && (await canAccess(host, '/dev/kvm', constants.R_OK | constants.W_OK))
  const pvm = (await listDir(host, '/sys/module')).includes('kvm_pvm')
  return { present, writable, pvm }
}

const MODPROBE_DIRS = ['/etc/modprobe.d', '/usr/lib/modprobe.d', '/lib/modprobe.d']

export async function readNested(host: HostView, cpu: CpuFacts): Promise<NestedFacts> {
  const module = cpu.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel'
  const value = (await readText(host, `/sys/module/${module}/parameters/nested`))?.trim() ?? null
  const modprobeLines: NestedFacts['modprobeLines'] = []
  for (const dir of MODPROBE_DIRS) {
    for (const name of await listDir(host, dir)) {
      if (!name.endsWith('.conf')) continue
      const text = (await readText(host, `${dir}/${name}`)) ?? ''
      for (const line of text.split('\n')) {
        const t = line.trim()
        if (/\bkvm_(intel|amd)\b.*\bnested=/.test(t) && !t.startsWith('#'))
          modprobeLines.push({ file: `${dir}/${name}`, line: t })
      }
    }
  }
  return { module, value, modprobeLines }
}

export const REQUIRED_TOOLS = ['virsh', 'virt-builder', 'virt-customize', 'qemu-img'] as const
export type RequiredTool = (typeof REQUIRED_TOOLS)[number]

export async function readTools(host: HostView): Promise<ToolFacts[]> {
  return Promise.all(REQUIRED_TOOLS.map(async (tool) => ({ tool, path: await which(host, tool) })))
}

const SUPERMIN_DIRS = [
  '/usr/lib/x86_64-linux-gnu/guestfs/supermin.d',
  '/usr/lib64/guestfs/supermin.d',
  '/usr/lib/guestfs/supermin.d',
]

export async function readXfs(host: HostView): Promise<XfsFacts> {
  const applianceDirs: XfsFacts['applianceDirs'] = []
  for (const dir of SUPERMIN_DIRS) {
    const names = await listDir(host, dir)
    if (names.length) applianceDirs.push({ dir, xfsLists: names.filter((n) => /packages-xfs$/.test(n)) })
  }
  // mkfs.xfs lives in /sbin on some distributions, which a user's PATH may not hold.
  const mkfsXfs =
    (await which(host, 'mkfs.xfs')) ??
    (await which({ ...host, path: `${host.path}:/sbin:/usr/sbin` }, 'mkfs.xfs'))
  return { applianceDirs, mkfsXfs }
}

/** Free space where lab disks go. The directory may not exist yet: the filesystem it will be made on. */
export async function measureDisk(imagesDir: string): Promise<DiskFacts> {
  let dir = imagesDir
  for (;;) {
    try {
      const stats = await statfs(dir)
      return { imagesDir, measuredAt: dir, freeBytes: stats.bavail * stats.bsize }
    } catch {
      const up = dirname(dir)
      if (up === dir) return { imagesDir, measuredAt: null, freeBytes: 0 }
      dir = up
    }
  }
}

/** /proc/meminfo text → total and available memory. */
export function meminfoOf(text: string): MemoryFacts {
  const kib = (key: string) => {
    const m = text.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm'))
    return m ? Number(m[1]) : null
  }
  return { totalKiB: kib('MemTotal'), availableKiB: kib('MemAvailable') }
}

export async function readMemory(host: HostView): Promise<MemoryFacts> {
  return meminfoOf((await readText(host, '/proc/meminfo')) ?? '')
}

/** /etc/group text → the groups `user` is in: listed as a member, or one of `gids` (the process's own). */
export function groupsOf(groupFile: string, user: string, gids: ReadonlySet<number>): string[] {
  const mine = new Set<string>()
  for (const line of groupFile.split('\n')) {
    const [name, , gid, members] = line.split(':')
    if (!name) continue
    if ((members ?? '').split(',').includes(user) || gids.has(Number(gid))) mine.add(name)
  }
  return [...mine].sort()
}

export async function readGroups(host: HostView): Promise<string[]> {
  // The process's own groups count only on the real host (a fixture tree is someone else's).
  const gids = new Set(
    typeof process.getgroups === 'function' && host.root === '/' ? process.getgroups() : [],
  )
  return groupsOf((await readText(host, '/etc/group')) ?? '', host.user, gids)
}
