// What "delete with its disks" may remove, and nothing more: files Stacklab's lab records say it made (on
// this machine), and pool volumes through libvirt's pool API (`vol-delete --pool P --vol V`). Everything else
// (a file made by another tool, a relative or unresolved path, a block device, a directory, a network or
// NVMe disk, a CD-ROM, anything on a remote host) is left in place and listed with the reason.
import { rm } from 'node:fs/promises'
import { isAbsolute, normalize } from 'node:path'
import type { DiskInfo, DomainDeleteResult } from '../../../src-shared/libvirt'
import { LibvirtError } from './errors'
import type { Virsh } from './virsh'

/** Whether Stacklab's own records say it made the file at this absolute path. */
export type MadeByStacklab = (path: string) => boolean | Promise<boolean>

export async function removeDisks(
  virsh: Virsh,
  disks: DiskInfo[],
  options: { madeByStacklab: MadeByStacklab; local: boolean },
): Promise<DomainDeleteResult> {
  const result: DomainDeleteResult = { removedDisks: [], keptDisks: [] }
  const keep = (d: DiskInfo, reason: DomainDeleteResult['keptDisks'][number]['reason'], detail: string) =>
    result.keptDisks.push({ target: d.target, source: d.source ?? d.volume ?? d.name, reason, detail })
  for (const d of disks) {
    if (d.device !== 'disk') {
      keep(d, 'not-a-disk', `a ${d.device}, not a disk of the VM's own`)
      continue
    }
    if (d.type === 'volume') {
      if (!d.pool || !d.volume) {
        keep(d, 'unresolved-path', 'a volume disk without its pool and volume name')
        continue
      }
      try {
        await virsh(['vol-delete', '--pool', d.pool, '--vol', d.volume])
        result.removedDisks.push(d.source ?? `${d.pool}/${d.volume}`)
      } catch (error) {
        const message = error instanceof LibvirtError ? error.detail || error.message : String(error)
        keep(d, 'failed', `vol-delete in pool ${d.pool}: ${message}`)
      }
      continue
    }
    if (d.type !== 'file') {
      keep(d, 'not-a-file', `a ${d.type} disk: nothing Stacklab made`)
      continue
    }
    const path = d.source
    if (!path || !isAbsolute(path) || normalize(path) !== path) {
      keep(d, 'unresolved-path', `not an absolute, plain path: ${JSON.stringify(path ?? '')}`)
      continue
    }
    if (!options.local) {
      keep(d, 'not-local', 'the connection is to another host; Stacklab removes files only on this machine')
      continue
    }
    if (!(await options.madeByStacklab(path))) {
      keep(d, 'not-made-by-stacklab', "Stacklab's lab records do not list this file as one it made")
      continue
    }
    try {
      await rm(path, { force: true })
      result.removedDisks.push(path)
    } catch (error) {
      keep(d, 'failed', (error as Error).message)
    }
  }
  return result
}
