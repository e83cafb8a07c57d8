// The one-appliance customisation path: every virt-customize command line the lab uses has a guestfish
// translation, quoting survives odd paths, the password only ever travels in a file, and the script
// attaches every disk once and works on each root in turn.
import { describe, expect, it } from 'vitest'
import { customizeCommands } from '../../src-main/engine/provision/guest-config'
import {
  gfQuote,
  guestfishScript,
  MAX_DISKS_PER_APPLIANCE,
  translateCommand,
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

describe('guestfish script for several disks', () => {
  const disks = ['controller', 'compute', 'compute1'].map((label) => ({
    label,
    path: `/images/demo/${label}.qcow2`,
    commands: [`hostname ${label}.example.com`, 'truncate /etc/machine-id'],
  }))

  it('attaches every disk before the appliance starts, then mounts each root in turn', () => {
    const lines = guestfishScript(disks, 1).trim().split('\n')
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
    expect(guestfishScript(disks.slice(0, 1), 3)).toContain('mount /dev/sda3 /')
  })

  it('takes 1 to MAX disks per appliance', () => {
    expect(() => guestfishScript([], 1)).toThrow()
    const many = Array.from({ length: MAX_DISKS_PER_APPLIANCE + 1 }, (_, i) => ({
      ...disks[0]!,
      label: `n${i}`,
    }))
    expect(() => guestfishScript(many, 1)).toThrow(/1 to 16/)
  })
})
