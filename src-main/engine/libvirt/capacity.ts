// The host's capacity for VMs, as the topology's host box shows it: CPUs and memory from libvirt
// (`virsh nodeinfo`, `virsh nodememstats`, so a remote connection reports its own host), and the free space
// of the filesystem where lab disks go (measured here, only for a local connection).
import type { HostCapacity } from '../../../src-shared/libvirt'
import { measureDisk } from '../preflight/facts'
import { LibvirtError } from './errors'
import { uriInfo } from './uri'
import type { Virsh } from './virsh'

/** `virsh nodeinfo` text → CPUs, CPU model, memory in KiB (null for a line that is not there). */
export function parseNodeinfo(text: string): Pick<HostCapacity, 'cpus' | 'cpuModel' | 'memoryKiB'> {
  const field = (label: string) => new RegExp(`^${label}:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1] ?? null
  const cpus = field('CPU\\(s\\)')
  const memory = field('Memory size')?.match(/^(\d+)\s*KiB$/)
  return {
    cpus: cpus && /^\d+$/.test(cpus) ? Number(cpus) : null,
    cpuModel: field('CPU model'),
    memoryKiB: memory ? Number(memory[1]) : null,
  }
}

/** `virsh nodememstats` text → what the host could give guests now: free + buffers + cached, in KiB. */
export function parseNodememstats(text: string): number | null {
  const kib = (key: string) => {
    const m = new RegExp(`^${key}\\s*:\\s*(\\d+)\\s*KiB`, 'm').exec(text)
    return m ? Number(m[1]) : null
  }
  const free = kib('free')
  if (free === null) return null
  return free + (kib('buffers') ?? 0) + (kib('cached') ?? 0)
}

export async function hostCapacity(virsh: Virsh, imagesDir: string | null): Promise<HostCapacity> {
  const info = parseNodeinfo(await virsh(['nodeinfo']))
  // Drivers without memory statistics (libvirt's test driver, some remote ones) refuse; the box then says
  // the free memory is not known instead of guessing.
  const memText = await virsh(['nodememstats']).catch((e: unknown) => {
    if (e instanceof LibvirtError && (e.kind === 'unsupported' || e.kind === 'other')) return ''
    throw e
  })
  const remote = uriInfo(virsh.uri).remote
  const disk = remote || !imagesDir ? null : await measureDisk(imagesDir)
  return {
    uri: virsh.uri,
    ...info,
    memoryFreeKiB: parseNodememstats(memText),
    imagesDir,
    diskFreeBytes: disk && disk.measuredAt ? disk.freeBytes : null,
  }
}
