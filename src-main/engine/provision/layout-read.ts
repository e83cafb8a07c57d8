// A base image's layout read straight from its bytes (partition table, file system superblocks) with
// `qemu-io`, no appliance. Under software emulation a libguestfs appliance takes 30 to 50 s to boot just to
// answer "which partition is root, and what is it": on a cold cache that was a fifth of a lab's creation.
// Only the plain cases are answered here: an MBR or GPT table whose partitions are known, and exactly one
// Linux file system (ext2/3/4, XFS) besides the EFI, BIOS-boot and swap partitions; or LVM, whose root is
// never a plain partition. Anything else (two Linux file systems, say /boot and /, or an unknown one) returns
// null, and the caller asks libguestfs (guestfish.ts), which mounts and inspects.
import type { Run } from '../exec'
import type { BaseLayout } from './guestfish'

const SECTOR = 512

export interface Partition {
  /** The number libguestfs and the kernel give it (sda1 → 1): the MBR slot or the GPT entry index, from 1. */
  num: number
  /** First sector. */
  start: number
  /** GPT only: the partition type GUID (lower case, dashed). */
  typeGuid?: string
}

/** GPT's BIOS boot partition: raw GRUB core, no file system in it. */
const BIOS_BOOT_GUID = '21686148-6449-6e6f-744e-656564454649'

const EXTENDED_MBR_TYPES = new Set([0x05, 0x0f, 0x85])

/** A GPT GUID as text (the first three fields are little-endian). */
function guidText(b: Buffer): string {
  const hex = (buf: Buffer) => buf.toString('hex')
  const le = (buf: Buffer) => hex(Buffer.from(buf).reverse())
  return [
    le(b.subarray(0, 4)),
    le(b.subarray(4, 6)),
    le(b.subarray(6, 8)),
    hex(b.subarray(8, 10)),
    hex(b.subarray(10, 16)),
  ].join('-')
}

export type Table =
  | { kind: 'msdos' | 'gpt'; partitions: Partition[] }
  /** GPT whose entries lie outside the sectors read: read `sectors` from `lba`, then parseGptEntries. */
  | { kind: 'gpt-entries'; lba: number; count: number; size: number }

/**
 * The partition table in the first 34 sectors of a disk, or null when there is none Stacklab reads here
 * (no boot signature, an MBR with extended partitions, a damaged GPT header).
 */
export function parseTable(head: Buffer): Table | null {
  if (head.length < 2 * SECTOR || head[510] !== 0x55 || head[511] !== 0xaa) return null
  const slots = [0, 1, 2, 3].map((i) => head.subarray(446 + 16 * i, 462 + 16 * i))
  if (slots.some((s) => s[4] === 0xee)) {
    const h = head.subarray(SECTOR, 2 * SECTOR)
    if (h.toString('latin1', 0, 8) !== 'EFI PART') return null
    const lba = Number(h.readBigUInt64LE(72))
    const count = h.readUInt32LE(80)
    const size = h.readUInt32LE(84)
    if (size < 128 || size > 4096 || count === 0 || count > 1024 || lba < 2) return null
    const end = lba * SECTOR + count * size
    if (end <= head.length)
      return { kind: 'gpt', partitions: parseGptEntries(head.subarray(lba * SECTOR), count, size) }
    return { kind: 'gpt-entries', lba, count, size }
  }
  const partitions: Partition[] = []
  for (const [i, s] of slots.entries()) {
    const type = s[4]!
    if (type === 0) continue
    if (EXTENDED_MBR_TYPES.has(type)) return null
    const start = s.readUInt32LE(8)
    if (start === 0 || s.readUInt32LE(12) === 0) continue
    partitions.push({ num: i + 1, start })
  }
  return partitions.length ? { kind: 'msdos', partitions } : null
}

/** The used entries of a GPT partition array. */
export function parseGptEntries(entries: Buffer, count: number, size: number): Partition[] {
  const out: Partition[] = []
  for (let i = 0; i < count && (i + 1) * size <= entries.length; i++) {
    const e = entries.subarray(i * size, (i + 1) * size)
    if (e.subarray(0, 16).every((b) => b === 0)) continue
    out.push({ num: i + 1, start: Number(e.readBigUInt64LE(32)), typeGuid: guidText(e.subarray(0, 16)) })
  }
  return out
}

export type Content = 'ext2' | 'ext3' | 'ext4' | 'xfs' | 'lvm' | 'swap' | 'vfat' | 'unknown'

/** What the first 4 KiB of a partition hold, by the signatures the kernel's tools write. */
export function classify(first: Buffer): Content {
  if (first.length >= 4 && first.toString('latin1', 0, 4) === 'XFSB') return 'xfs'
  if (first.length >= 1084 && first.readUInt16LE(1080) === 0xef53) {
    const compat = first.readUInt32LE(1024 + 0x5c)
    const incompat = first.readUInt32LE(1024 + 0x60)
    // extents (0x40), 64bit (0x80) or flex_bg (0x200): features only ext4 has.
    if (incompat & (0x40 | 0x80 | 0x200)) return 'ext4'
    return compat & 0x4 ? 'ext3' : 'ext2'
  }
  for (let s = 0; s < 4; s++)
    if (
      first.length >= (s + 1) * SECTOR &&
      first.toString('latin1', s * SECTOR, s * SECTOR + 8) === 'LABELONE'
    )
      return 'lvm'
  if (first.length >= 4096 && /^SWAP(SPACE2|-SPACE)$/.test(first.toString('latin1', 4086, 4096)))
    return 'swap'
  if (
    first.length >= 90 &&
    (first.toString('latin1', 54, 59) === 'FAT12' ||
      first.toString('latin1', 54, 59) === 'FAT16' ||
      first.toString('latin1', 82, 87) === 'FAT32')
  )
    return 'vfat'
  return 'unknown'
}

const LINUX_FS: Content[] = ['ext2', 'ext3', 'ext4', 'xfs']

/** The layout from the table and each partition's content, or null when it is not a plain case. */
export function layoutOf(
  table: 'msdos' | 'gpt',
  parts: { partition: Partition; content: Content }[],
  bytes: number,
): BaseLayout | null {
  const nums = parts.map((p) => p.partition.num)
  if (parts.some((p) => p.content === 'lvm')) return { root: null, table, fs: null, rootIsLast: false, bytes }
  const unknown = parts.filter((p) => p.content === 'unknown' && p.partition.typeGuid !== BIOS_BOOT_GUID)
  const linux = parts.filter((p) => LINUX_FS.includes(p.content))
  if (unknown.length || linux.length !== 1) return null
  const root = linux[0]!.partition.num
  return { root, table, fs: linux[0]!.content, rootIsLast: Math.max(...nums) === root, bytes }
}

/** `qemu-io read -v` output (16 bytes a line: `00100400:  00 3f 00 ...  ascii`) back into bytes. */
export function parseHexdump(out: string, length: number): Buffer {
  const bytes: number[] = []
  for (const line of out.split('\n')) {
    const m = /^[0-9a-f]{8,16}:\s+((?:[0-9a-f]{2} ){1,16})/.exec(line)
    if (m) for (const h of m[1]!.trim().split(' ')) bytes.push(parseInt(h, 16))
  }
  if (bytes.length !== length) throw new Error(`qemu-io gave ${bytes.length} bytes, not ${length}`)
  return Buffer.from(bytes)
}

/** Read the layout of a qcow2 image from its bytes; null when libguestfs must inspect it instead. */
export async function readLayout(run: Run, image: string, bytes: number): Promise<BaseLayout | null> {
  // qemu-io reads exactly the bytes asked for, read-only (`qemu-img dd` treats count as an end block).
  const sectors = async (start: number, count: number): Promise<Buffer> => {
    const length = count * SECTOR
    const { stdout } = await run('qemu-io', [
      '-r',
      '-f',
      'qcow2',
      '-c',
      `read -v ${start * SECTOR} ${length}`,
      image,
    ])
    return parseHexdump(stdout, length)
  }
  let table = parseTable(await sectors(0, 34))
  if (table?.kind === 'gpt-entries') {
    const count = Math.ceil((table.count * table.size) / SECTOR)
    table = {
      kind: 'gpt',
      partitions: parseGptEntries(await sectors(table.lba, count), table.count, table.size),
    }
  }
  if (!table) return null
  const parts = []
  for (const partition of table.partitions) {
    if ((partition.start + 8) * SECTOR > bytes) return null
    parts.push({ partition, content: classify(await sectors(partition.start, 8)) })
  }
  return layoutOf(table.kind, parts, bytes)
}
