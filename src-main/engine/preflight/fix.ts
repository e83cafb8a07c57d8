// How preflight phrases a fix the user copies into a shell: sudo when not root, the distribution's package
// manager and package names, shell quoting, virsh on the checked connection. Pure: no host is read here.
import type { DistroFamily } from './host'

/** Who the fix is for: sudo is left out for root. */
export interface FixUser {
  uid: number
}

export function sudo(who: FixUser, command: string): string {
  return who.uid === 0 ? command : `sudo ${command}`
}

export function installCommand(who: FixUser, family: DistroFamily, packages: string[]): string {
  const list = [...new Set(packages)].join(' ')
  switch (family) {
    case 'rhel':
      return sudo(who, `dnf install -y ${list}`)
    case 'suse':
      return sudo(who, `zypper install -y ${list}`)
    case 'arch':
      return sudo(who, `pacman -S --needed ${list}`)
    default:
      return sudo(who, `apt-get install -y ${list}`)
  }
}

/** Quote a value for a command the user copies into a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

export function virshFix(uri: string, args: string): string {
  return `virsh -c ${shellQuote(uri)} ${args}`
}

const PACKAGES = {
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
} satisfies Record<string, Record<DistroFamily, string>>

export type PackagedTool = keyof typeof PACKAGES

/** The package that brings a tool on this distribution. */
export function packageFor(tool: PackagedTool, family: DistroFamily): string {
  return PACKAGES[tool][family]
}
