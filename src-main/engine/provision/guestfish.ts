// Customising several node disks in ONE libguestfs appliance. Under software emulation the appliance's boot
// is most of a virt-customize run (about 20 of 30 s here), and every node of a lab is an overlay of the same
// base image, so one guestfish session with every node disk attached does the work of N virt-customize runs
// for the price of one. The operations are the same virt-customize command lines the per-node path uses
// (guest-config.ts), translated one by one into guestfish commands; anything unknown is refused, so the two
// paths cannot drift apart silently. The script goes to guestfish in a 0600 file (`-f`), never on argv.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { join } from 'node:path'
import type { Run } from '../exec'
import { exists, guestfsEnv } from './image'
import { readLayout } from './layout-read'

/** At most this many disks share one appliance (device names stay /dev/sda../dev/sdp). */
export const MAX_DISKS_PER_APPLIANCE = 16

export interface BatchDisk {
  /** Shown in progress ("controller customised"). */
  label: string
  path: string
  /** virt-customize command lines, as customizeCommands() makes them. */
  commands: string[]
  /** The disk's size in bytes when it is bigger than its base: the root partition and file system grow to it. */
  growToBytes?: number | undefined
}

/** A guestfish double-quoted string: backslash escapes are interpreted inside, so escape them. */
export function gfQuote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

function shQuote(text: string): string {
  if (text.includes("'")) throw new Error(`Cannot quote ${JSON.stringify(text)} for the guest shell`)
  return `'${text}'`
}

/** Where the password waits, in the guest, for the moment chpasswd reads it (removed in the same command). */
const PASSWORD_IN_GUEST = '/root/.stacklab-root-password'

/** One virt-customize command line → guestfish commands (run with the node's root mounted at /). */
export function translateCommand(line: string): string[] {
  const space = line.indexOf(' ')
  const op = space < 0 ? line : line.slice(0, space)
  const arg = space < 0 ? '' : line.slice(space + 1)
  const split = (what: string): [string, string] => {
    const colon = arg.indexOf(':')
    if (colon < 0) throw new Error(`virt-customize ${op} needs ${what}: ${line}`)
    return [arg.slice(0, colon), arg.slice(colon + 1)]
  }
  switch (op) {
    case 'hostname':
      return [`write /etc/hostname ${gfQuote(`${arg}\n`)}`]
    case 'root-password': {
      if (!arg.startsWith('file:')) throw new Error('root-password is only taken from a file')
      // chpasswd in the guest hashes it with the guest's own scheme; the password never leaves files.
      return [
        `upload ${gfQuote(arg.slice('file:'.length))} ${PASSWORD_IN_GUEST}`,
        `chmod 0600 ${PASSWORD_IN_GUEST}`,
        `sh ${gfQuote(`{ printf 'root:'; cat ${PASSWORD_IN_GUEST}; echo; } | chpasswd; rc=$?; rm -f ${PASSWORD_IN_GUEST}; exit $rc`)}`,
      ]
    }
    case 'ssh-inject': {
      const [user, source] = split('user:file:KEY')
      if (user !== 'root' || !source.startsWith('file:')) throw new Error(`Unsupported ssh-inject: ${line}`)
      return [
        'mkdir-p /root/.ssh',
        'chmod 0700 /root/.ssh',
        `upload ${gfQuote(source.slice('file:'.length))} /root/.ssh/authorized_keys`,
        'chmod 0600 /root/.ssh/authorized_keys',
      ]
    }
    case 'upload': {
      const [local, guest] = split('LOCAL:GUEST')
      return [`upload ${gfQuote(local)} ${gfQuote(guest)}`]
    }
    case 'chmod': {
      const [mode, path] = split('MODE:PATH')
      if (!/^0[0-7]{3,4}$/.test(mode)) throw new Error(`Bad mode in ${line}`)
      return [`chmod ${mode} ${gfQuote(path)}`]
    }
    case 'truncate':
      return [`truncate ${gfQuote(arg)}`]
    case 'edit': {
      const [path, expr] = split('FILE:EXPR')
      return [`sh ${gfQuote(`sed -i -e ${shQuote(expr)} ${shQuote(path)}`)}`]
    }
    case 'run-command':
      return [`sh ${gfQuote(arg)}`]
    case 'selinux-relabel':
      return ['selinux-relabel /etc/selinux/targeted/contexts/files/file_contexts /']
    default:
      throw new Error(`No guestfish translation for virt-customize ${op}`)
  }
}

function deviceName(index: number): string {
  return `/dev/sd${String.fromCharCode(97 + index)}`
}

/** How a base image is laid out, found once by libguestfs inspection and kept next to the image. */
export interface BaseLayout {
  /** The partition number of the root file system on the first disk; null when it is not a plain
   * partition (LVM, say): identical volume groups on several overlays cannot share an appliance. */
  root: number | null
  /** The partition table, when there is one Stacklab knows. */
  table: 'msdos' | 'gpt' | null
  /** The root file system's type (ext4, xfs...). */
  fs: string | null
  /** Whether the root partition is the last one (only then can it grow into the space added at the end). */
  rootIsLast: boolean
  /** The base's virtual size. */
  bytes: number
}

/** The sidecar as written by baseLayout (checked when read back: it is a file anyone could edit). */
const LayoutFile = z.object({
  root: z.number().int().positive().nullable(),
  table: z.enum(['msdos', 'gpt']).nullable(),
  fs: z.string().max(32).nullable(),
  rootIsLast: z.boolean(),
  bytes: z.number().int().nonnegative(),
})

const GROWABLE_FS = ['ext2', 'ext3', 'ext4', 'xfs']

/** Whether overlays of this base can be grown in place (root partition last, a table and file system known). */
export function canGrow(layout: BaseLayout): boolean {
  return (
    layout.root !== null &&
    layout.rootIsLast &&
    layout.table !== null &&
    GROWABLE_FS.includes(layout.fs ?? '')
  )
}

/**
 * The commands that grow the root of a disk at `dev` to `bytes`: the backup GPT header moved to the new end,
 * the root partition's end moved to the last usable sector, then the file system (ext: checked and resized
 * before mounting; XFS: grown once mounted, in `growMounted`).
 */
export function growCommands(dev: string, layout: BaseLayout, bytes: number): string[] {
  if (!canGrow(layout) || bytes <= layout.bytes) return []
  const sectors = Math.floor(bytes / 512)
  // GPT keeps a 33-sector backup (header and entries) at the very end; MBR needs nothing there.
  const end = layout.table === 'gpt' ? sectors - 34 : sectors - 1
  const part = `${dev}${layout.root}`
  const lines = layout.table === 'gpt' ? [`part-expand-gpt ${dev}`] : []
  lines.push(`part-resize ${dev} ${layout.root} ${end}`)
  if (layout.fs !== 'xfs') lines.push(`e2fsck-f ${part}`, `resize2fs ${part}`)
  return lines
}

function growMounted(layout: BaseLayout, bytes: number): string[] {
  return canGrow(layout) && bytes > layout.bytes && layout.fs === 'xfs' ? ['xfs-growfs /'] : []
}

/** The whole guestfish script for one appliance: attach every disk, then grow, mount, change, unmount each. */
export function guestfishScript(disks: BatchDisk[], layout: BaseLayout): string {
  if (disks.length === 0 || disks.length > MAX_DISKS_PER_APPLIANCE)
    throw new Error(`One appliance takes 1 to ${MAX_DISKS_PER_APPLIANCE} disks, not ${disks.length}`)
  if (layout.root === null) throw new Error('One appliance needs a base whose root is a plain partition')
  const lines = disks.map((d) => `add-drive ${gfQuote(d.path)} format:qcow2`)
  lines.push('run')
  disks.forEach((disk, i) => {
    const dev = deviceName(i)
    const bytes = disk.growToBytes ?? layout.bytes
    lines.push(...growCommands(dev, layout, bytes))
    lines.push(`mount ${dev}${layout.root} /`, ...growMounted(layout, bytes))
    for (const command of disk.commands) lines.push(...translateCommand(command))
    lines.push('umount-all', `echo stacklab-customised ${gfQuote(disk.label)}`)
  })
  return lines.join('\n') + '\n'
}

const MARK = 'stacklab-layout-mark'

/** Read guestfish's answers to the layout script (each answer after its mark line). */
export function parseLayout(out: string, bytes: number): BaseLayout {
  const parts = out.split(new RegExp(`^${MARK} (\\w+)$`, 'm'))
  const answer = (name: string) => {
    const i = parts.indexOf(name)
    return i >= 0 ? (parts[i + 1] ?? '').trim() : ''
  }
  const roots = answer('roots').split('\n').filter(Boolean)
  const m = roots.length === 1 ? /^\/dev\/sda(\d+)$/.exec(roots[0]!.trim()) : null
  const root = m ? Number(m[1]) : null
  const tableWord = answer('table')
  const table = tableWord === 'msdos' || tableWord === 'gpt' ? tableWord : null
  const numbers = [...answer('partitions').matchAll(/part_num:\s*(\d+)/g)].map((p) => Number(p[1]))
  const rootIsLast = root !== null && numbers.length > 0 && Math.max(...numbers) === root
  let fs: string | null = null
  for (const line of answer('filesystems').split('\n')) {
    const f = /^(\/dev\/[^\s:]+):\s*(\S+)$/.exec(line.trim())
    if (f && root !== null && f[1] === `/dev/sda${root}`) fs = f[2]!
  }
  return { root, table, fs, rootIsLast, bytes }
}

/**
 * The layout of a base image: read from its bytes where the case is plain (layout-read.ts), inspected by
 * libguestfs otherwise (one appliance), once, then read from its `.layout.json`.
 */
export async function baseLayout(
  run: Run,
  base: string,
  options: { virtType: 'kvm' | 'qemu'; signal?: AbortSignal },
): Promise<BaseLayout> {
  const sidecar = `${base}.layout.json`
  if (await exists(sidecar)) return LayoutFile.parse(JSON.parse(await readFile(sidecar, 'utf8')))
  const info = await run('qemu-img', ['info', '--output=json', base])
  const bytes = Number((JSON.parse(info.stdout) as { 'virtual-size'?: number })['virtual-size'] ?? 0)
  // Where qemu-io is missing or the bytes say something odd, libguestfs decides, as it always did.
  const read = await readLayout(run, base, bytes).catch(() => null)
  if (read) {
    await writeFile(sidecar, JSON.stringify(read) + '\n')
    return read
  }
  // A command prefixed with "-" may fail (a disk with no partition table) without ending the script.
  const script = [
    `add-drive ${gfQuote(base)} format:qcow2 readonly:true`,
    'run',
    `echo ${MARK} roots`,
    '-inspect-os',
    `echo ${MARK} table`,
    '-part-get-parttype /dev/sda',
    `echo ${MARK} partitions`,
    '-part-list /dev/sda',
    `echo ${MARK} filesystems`,
    'list-filesystems',
    `echo ${MARK} end`,
  ].join('\n')
  const { stdout } = await run('guestfish', [], {
    stdin: script + '\n',
    env: guestfsEnv(options.virtType),
    timeoutMs: 10 * 60_000,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const layout = parseLayout(stdout, bytes)
  await writeFile(sidecar, JSON.stringify(layout) + '\n')
  return layout
}

/** Customise every disk in one appliance; `onDone` hears each disk as guestfish finishes it. */
export async function customizeDisksTogether(
  run: Run,
  disks: BatchDisk[],
  options: {
    layout: BaseLayout
    workDir: string
    virtType: 'kvm' | 'qemu'
    signal?: AbortSignal
    onDone?: (label: string) => void
  },
): Promise<void> {
  const file = join(options.workDir, `guestfish-${process.pid}-${Date.now()}.txt`)
  await writeFile(file, guestfishScript(disks, options.layout), { mode: 0o600 })
  try {
    await run('guestfish', ['--rw', '-f', file], {
      env: guestfsEnv(options.virtType),
      timeoutMs: 0,
      ...(options.signal ? { signal: options.signal } : {}),
      onStdoutLine: (line) => {
        const m = /^stacklab-customised (.+)$/.exec(line.trim())
        if (m) options.onDone?.(m[1]!)
      },
    })
  } finally {
    await rm(file, { force: true })
  }
}
