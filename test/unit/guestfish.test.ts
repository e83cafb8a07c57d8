// The one-appliance customisation path: every virt-customize command line the lab uses has a guestfish
// translation, quoting survives odd paths, the password only ever travels in a file, and the script
// attaches every disk once and works on each root in turn.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Run } from '../../src-main/engine/exec'
import { tempDir } from '../helpers'
import { customizeCommands } from '../../src-main/engine/provision/guest-config'
import {
  baseLayout,
  canGrow,
  gfQuote,
  growCommands,
  guestfishScript,
  MAX_DISKS_PER_APPLIANCE,
  parseLayout,
  translateCommand,
  type BaseLayout,
} from '../../src-main/engine/provision/guestfish'
import { defaultLab, LabDefinition } from '../../src-shared/lab'

const lab = LabDefinition.parse(defaultLab('demo'))

function commandsFor(family: 'debian' | 'rhel7', eol: boolean): string[] {
  return customizeCommands({
    lab,
    node: lab.nodes[0]!,
    family,
    eol,
    uploads: new Map([['/etc/hosts', '/tmp/work dir/file-0']]),
    authorizedKeyFile: '/tmp/keys/id_ed25519.pub',
    hostKeyFiles: [{ private: '/k/host', public: '/k/host.pub', type: 'ed25519' }],
    passwordFile: '/tmp/secrets/root-password',
  })
}

describe('guestfish translation of virt-customize commands', () => {
  it('translates every command the lab pipeline makes, for Debian and CentOS 7 (vault, SELinux)', () => {
    for (const line of [...commandsFor('debian', false), ...commandsFor('rhel7', true)])
      expect(translateCommand(line).length, line).toBeGreaterThan(0)
  })

  it('writes the host name with a newline, and quotes paths with spaces and quotes', () => {
    expect(translateCommand('hostname controller.example.com')).toEqual([
      'write /etc/hostname "controller.example.com\\n"',
    ])
    expect(translateCommand('upload /tmp/work dir/file-0:/etc/hosts')).toEqual([
      'upload "/tmp/work dir/file-0" "/etc/hosts"',
    ])
    expect(gfQuote('a"b\\c')).toBe('"a\\"b\\\\c"')
  })

  it('sets the root password from a file through chpasswd in the guest and removes the copy', () => {
    const out = translateCommand('root-password file:/tmp/secrets/root-password').join('\n')
    expect(out).toContain('upload "/tmp/secrets/root-password" /root/.stacklab-root-password')
    expect(out).toMatch(/chpasswd; rc=\$\?; rm -f \/root\/\.stacklab-root-password/)
    expect(() => translateCommand('root-password password:hunter2')).toThrow(/only taken from a file/)
  })

  it('turns edit into sed in the guest and refuses what it cannot quote', () => {
    expect(translateCommand('edit /etc/selinux/config:s/^SELINUX=.*/SELINUX=permissive/')).toEqual([
      `sh "sed -i -e 's/^SELINUX=.*/SELINUX=permissive/' '/etc/selinux/config'"`,
    ])
    expect(() => translateCommand("edit /etc/x:s/a/'/")).toThrow(/Cannot quote/)
  })

  it('refuses commands it does not know and bad modes', () => {
    expect(() => translateCommand('firstboot-command reboot')).toThrow(/No guestfish translation/)
    expect(() => translateCommand('chmod 999:/etc/x')).toThrow(/Bad mode/)
  })
})

/** The offline test template's layout as libguestfs reported it (one MBR partition, ext4, 3 GiB). */
const ext4: BaseLayout = { root: 1, table: 'msdos', fs: 'ext4', rootIsLast: true, bytes: 3 * 1024 ** 3 }
const at = (root: number): BaseLayout => ({ ...ext4, root })

describe('guestfish script for several disks', () => {
  const disks = ['controller', 'compute', 'compute1'].map((label) => ({
    label,
    path: `/images/demo/${label}.qcow2`,
    commands: [`hostname ${label}.example.com`, 'truncate /etc/machine-id'],
  }))

  it('attaches every disk before the appliance starts, then mounts each root in turn', () => {
    const lines = guestfishScript(disks, ext4).trim().split('\n')
    expect(lines.slice(0, 4)).toEqual([
      'add-drive "/images/demo/controller.qcow2" format:qcow2',
      'add-drive "/images/demo/compute.qcow2" format:qcow2',
      'add-drive "/images/demo/compute1.qcow2" format:qcow2',
      'run',
    ])
    expect(lines.filter((l) => l.startsWith('mount '))).toEqual([
      'mount /dev/sda1 /',
      'mount /dev/sdb1 /',
      'mount /dev/sdc1 /',
    ])
    // Each disk is unmounted before the next is mounted, and announced when done.
    const mounts = lines.map((l, i) => (l.startsWith('mount ') ? i : -1)).filter((i) => i >= 0)
    for (const [k, i] of mounts.entries()) {
      const end = lines.indexOf('umount-all', i)
      expect(end).toBeGreaterThan(i)
      expect(lines[end + 1]).toBe(`echo stacklab-customised "${disks[k]!.label}"`)
      if (mounts[k + 1] !== undefined) expect(end).toBeLessThan(mounts[k + 1]!)
    }
  })

  it('uses the base image partition number it is given', () => {
    expect(guestfishScript(disks.slice(0, 1), at(3))).toContain('mount /dev/sda3 /')
  })

  it('takes 1 to MAX disks per appliance', () => {
    expect(() => guestfishScript([], ext4)).toThrow()
    const many = Array.from({ length: MAX_DISKS_PER_APPLIANCE + 1 }, (_, i) => ({
      ...disks[0]!,
      label: `n${i}`,
    }))
    expect(() => guestfishScript(many, ext4)).toThrow(/1 to 16/)
  })
})

describe('one base per template: each disk grows its root to its own size', () => {
  const GiB = 1024 ** 3
  const disk = (label: string, gib: number) => ({
    label,
    path: `/images/demo/${label}.qcow2`,
    commands: ['truncate /etc/machine-id'],
    growToBytes: gib * GiB,
  })

  it('moves the end of an MBR root to the last sector, then checks and resizes ext4 before mounting', () => {
    const lines = guestfishScript([disk('controller', 5), disk('compute', 4)], ext4)
      .trim()
      .split('\n')
    const sda = [
      'part-resize /dev/sda 1 10485759',
      'e2fsck-f /dev/sda1',
      'resize2fs /dev/sda1',
      'mount /dev/sda1 /',
    ]
    const sdb = [
      'part-resize /dev/sdb 1 8388607',
      'e2fsck-f /dev/sdb1',
      'resize2fs /dev/sdb1',
      'mount /dev/sdb1 /',
    ]
    expect(lines.slice(lines.indexOf(sda[0]!), lines.indexOf(sda[0]!) + 4)).toEqual(sda)
    expect(lines.slice(lines.indexOf(sdb[0]!), lines.indexOf(sdb[0]!) + 4)).toEqual(sdb)
  })

  it('moves the backup GPT header first and grows XFS once mounted', () => {
    const xfs: BaseLayout = { root: 3, table: 'gpt', fs: 'xfs', rootIsLast: true, bytes: 6 * GiB }
    const lines = guestfishScript([disk('controller', 40)], xfs)
      .trim()
      .split('\n')
    const grow = lines.slice(lines.indexOf('part-expand-gpt /dev/sda'), lines.indexOf('xfs-growfs /') + 1)
    // 40 GiB = 83886080 sectors; GPT's last usable sector leaves 33 for the backup header and entries.
    expect(grow).toEqual([
      'part-expand-gpt /dev/sda',
      'part-resize /dev/sda 3 83886046',
      'mount /dev/sda3 /',
      'xfs-growfs /',
    ])
    expect(lines.some((l) => l.startsWith('e2fsck') || l.startsWith('resize2fs'))).toBe(false)
  })

  it('grows nothing that cannot or need not grow', () => {
    expect(growCommands('/dev/sda', ext4, 3 * GiB)).toEqual([])
    expect(growCommands('/dev/sda', { ...ext4, rootIsLast: false }, 8 * GiB)).toEqual([])
    expect(growCommands('/dev/sda', { ...ext4, fs: 'btrfs' }, 8 * GiB)).toEqual([])
    expect(growCommands('/dev/sda', { ...ext4, table: null }, 8 * GiB)).toEqual([])
    expect(canGrow({ ...ext4, root: null })).toBe(false)
    expect(() => guestfishScript([disk('n', 4)], { ...ext4, root: null })).toThrow(/plain partition/)
  })

  it('reads the layout from what guestfish answered, and not from a partition that is not the root', () => {
    // Recorded from `guestfish` on the offline test template's base (libguestfs 1.48, this machine).
    const answered = [
      'stacklab-layout-mark roots',
      '/dev/sda1',
      'stacklab-layout-mark table',
      'msdos',
      'stacklab-layout-mark partitions',
      '[0] = {',
      '  part_num: 1',
      '  part_start: 65536',
      '  part_end: 3221160447',
      '  part_size: 3221094912',
      '}',
      'stacklab-layout-mark filesystems',
      '/dev/sda1: ext4',
      'stacklab-layout-mark end',
    ].join('\n')
    expect(parseLayout(answered, 3 * GiB)).toEqual(ext4)
    // A swap partition after the root: the root cannot grow into the new space.
    const swapLast = answered
      .replace('}\nstacklab', '}\n[1] = {\n  part_num: 2\n}\nstacklab')
      .replace('/dev/sda1: ext4', '/dev/sda1: ext4\n/dev/sda2: swap')
    expect(parseLayout(swapLast, 3 * GiB)).toMatchObject({ root: 1, fs: 'ext4', rootIsLast: false })
    // LVM: inspection names a logical volume, not a partition.
    expect(parseLayout(answered.replace('\n/dev/sda1\n', '\n/dev/mapper/vg-root\n'), 3 * GiB).root).toBeNull()
  })
})

describe('the layout kept beside a base image', () => {
  it('is read back only when it is what baseLayout writes: an edited file is refused, never run', async () => {
    const dir = tempDir()
    onTestFinished(() => dir.cleanup())
    const base = join(dir.dir, 'debian-12-stacklab.qcow2')
    const never: Run = () => Promise.reject(new Error('no tool may run while a sidecar exists'))
    writeFileSync(`${base}.layout.json`, JSON.stringify(ext4))
    expect(await baseLayout(never, base, { virtType: 'qemu' })).toEqual(ext4)
    // A root that would put shell text into the guestfish script, and a device name instead of a number.
    for (const root of ['1; !rm -rf /', '/dev/sda1', -1, 1.5]) {
      writeFileSync(`${base}.layout.json`, JSON.stringify({ ...ext4, root }))
      await expect(baseLayout(never, base, { virtType: 'qemu' }), String(root)).rejects.toThrow()
    }
    writeFileSync(`${base}.layout.json`, '{"root": 1, "table": "gpt"')
    await expect(baseLayout(never, base, { virtType: 'qemu' })).rejects.toThrow()
  })
})
