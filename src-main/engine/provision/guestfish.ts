// Customising several node disks in ONE libguestfs appliance. Under software emulation the appliance's boot
// is most of a virt-customize run (about 20 of 30 s here), and every node of a lab is an overlay of the same
// base image, so one guestfish session with every node disk attached does the work of N virt-customize runs
// for the price of one. The operations are the same virt-customize command lines the per-node path uses
// (guest-config.ts), translated one by one into guestfish commands; anything unknown is refused, so the two
// paths cannot drift apart silently. The script goes to guestfish in a 0600 file (`-f`), never on argv.
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Run } from '../exec'
import { exists, guestfsEnv } from './image'

/** At most this many disks share one appliance (device names stay /dev/sda../dev/sdp). */
export const MAX_DISKS_PER_APPLIANCE = 16

export interface BatchDisk {
  /** Shown in progress ("controller customised"). */
  label: string
  path: string
  /** virt-customize command lines, as customizeCommands() makes them. */
  commands: string[]
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

/** The whole guestfish script for one appliance: attach every disk, then mount, change, unmount each. */
export function guestfishScript(disks: BatchDisk[], rootPartition: number): string {
  if (disks.length === 0 || disks.length > MAX_DISKS_PER_APPLIANCE)
    throw new Error(`One appliance takes 1 to ${MAX_DISKS_PER_APPLIANCE} disks, not ${disks.length}`)
  const lines = disks.map((d) => `add-drive ${gfQuote(d.path)} format:qcow2`)
  lines.push('run')
  disks.forEach((disk, i) => {
    lines.push(`mount ${deviceName(i)}${rootPartition} /`)
    for (const command of disk.commands) lines.push(...translateCommand(command))
    lines.push('umount-all', `echo stacklab-customised ${gfQuote(disk.label)}`)
  })
  return lines.join('\n') + '\n'
}

/**
 * The partition number holding the root filesystem of a base image, found once by libguestfs inspection
 * and kept next to the image. `null` when the root is not a plain partition of the first disk (LVM, say):
 * identical volume groups on several overlays cannot share an appliance, so those use one appliance each.
 */
export async function baseRootPartition(
  run: Run,
  base: string,
  options: { virtType: 'kvm' | 'qemu'; signal?: AbortSignal },
): Promise<number | null> {
  const sidecar = `${base}.root`
  if (await exists(sidecar)) {
    const saved = (await readFile(sidecar, 'utf8')).trim()
    return saved === 'none' ? null : Number(saved)
  }
  const { stdout } = await run(
    'guestfish',
    ['--ro', '--format=qcow2', '-a', base, 'run', ':', 'inspect-os'],
    {
      env: guestfsEnv(options.virtType),
      timeoutMs: 10 * 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  )
  const roots = stdout.split('\n').filter((l) => l.trim())
  const m = roots.length === 1 ? /^\/dev\/sda(\d+)$/.exec(roots[0]!.trim()) : null
  const partition = m ? Number(m[1]) : null
  await writeFile(sidecar, partition === null ? 'none\n' : `${partition}\n`)
  return partition
}

/** Customise every disk in one appliance; `onDone` hears each disk as guestfish finishes it. */
export async function customizeDisksTogether(
  run: Run,
  disks: BatchDisk[],
  options: {
    rootPartition: number
    workDir: string
    virtType: 'kvm' | 'qemu'
    signal?: AbortSignal
    onDone?: (label: string) => void
  },
): Promise<void> {
  const file = join(options.workDir, `guestfish-${process.pid}-${Date.now()}.txt`)
  await writeFile(file, guestfishScript(disks, options.rootPartition), { mode: 0o600 })
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
