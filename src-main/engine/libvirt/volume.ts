// Storage volumes in libvirt pools: copy-on-write overlays on a base image, details from XML, delete.
import { virshBatch } from './batch'
import { attr, child, parseXml, text } from './xml'
import type { Virsh } from './virsh'

export interface VolumeInfo {
  name: string
  path: string
  format: string | null
  capacityBytes: number
  allocationBytes: number
  backingPath: string | null
}

export function parseVolumeXml(xml: string): VolumeInfo {
  const vol = child(parseXml(xml), 'volume')
  return {
    name: text(child(vol, 'name')) ?? '',
    path: text(child(child(vol, 'target'), 'path')) ?? '',
    format: attr(child(child(vol, 'target'), 'format'), 'type') ?? null,
    capacityBytes: Number(text(child(vol, 'capacity')) ?? 0),
    allocationBytes: Number(text(child(vol, 'allocation')) ?? 0),
    backingPath: text(child(child(vol, 'backingStore'), 'path')) ?? null,
  }
}

/** `vol-list` has no names-only or XML form: names are read from its first column. */
export function parseVolList(out: string): string[] {
  return out
    .split('\n')
    .slice(2)
    .map((l) => /^\s*(\S+)\s+\//.exec(l)?.[1])
    .filter((n): n is string => !!n)
}

export async function volumeList(virsh: Virsh, pool: string): Promise<VolumeInfo[]> {
  const names = parseVolList(await virsh(['vol-list', pool]))
  const xmls = await virshBatch(
    virsh,
    names.map((n) => ['vol-dumpxml', '--pool', pool, n]),
  )
  return xmls.filter((x): x is string => !!x).map(parseVolumeXml)
}

export async function volumeCreateOverlay(
  virsh: Virsh,
  pool: string,
  name: string,
  backingPath: string,
  sizeGiB: number,
): Promise<VolumeInfo> {
  await virsh([
    'vol-create-as',
    pool,
    name,
    `${sizeGiB}G`,
    '--format',
    'qcow2',
    '--backing-vol',
    backingPath,
    '--backing-vol-format',
    'qcow2',
  ])
  return parseVolumeXml(await virsh(['vol-dumpxml', '--pool', pool, name]))
}

export async function volumeDelete(virsh: Virsh, pool: string, name: string): Promise<void> {
  await virsh(['vol-delete', '--pool', pool, name])
}
