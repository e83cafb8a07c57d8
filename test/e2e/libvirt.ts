// Real virsh against the e2e libvirtd's test driver, for browser tests and the renderer benchmark: define,
// start and remove domains and networks the way a person would, beside the app. Argument arrays only.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function virshAt(uri: string, ...args: string[]): string {
  return execFileSync('virsh', ['-c', uri, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** virsh on the URI the e2e global setup exported. */
export const virsh = (...args: string[]) => virshAt(process.env['STACKLAB_TEST_URI']!, ...args)

function withXml<T>(xml: string, use: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-xml-'))
  try {
    const file = join(dir, 'object.xml')
    writeFileSync(file, xml)
    return use(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface TestDomain {
  name: string
  /** Networks with one NIC each, and the MACs to give them. */
  nics: { network: string; mac: string }[]
  memoryMiB?: number
  vcpus?: number
}

export function domainXml(d: TestDomain): string {
  const nics = d.nics
    .map(
      (n) =>
        `<interface type='network'><mac address='${n.mac}'/><source network='${n.network}'/></interface>`,
    )
    .join('')
  return `<domain type='test'><name>${d.name}</name><memory unit='MiB'>${d.memoryMiB ?? 512}</memory><vcpu>${d.vcpus ?? 1}</vcpu><os><type>hvm</type></os><devices>${nics}</devices></domain>`
}

export interface TestNetwork {
  name: string
  /** e.g. 192.168.150: the network is .0/24, the host .1. */
  prefix: string
  mode: 'nat' | 'isolated'
  bridge: string
  dhcp?: { start: string; end: string }
  /** Fixed addresses by MAC (they show as the VMs' addresses). */
  hosts?: { mac: string; name: string; ip: string }[]
}

export function networkXml(n: TestNetwork): string {
  const forward = n.mode === 'nat' ? "<forward mode='nat'/>" : ''
  const hosts = (n.hosts ?? []).map((h) => `<host mac='${h.mac}' name='${h.name}' ip='${h.ip}'/>`).join('')
  const range = n.dhcp ? `<range start='${n.dhcp.start}' end='${n.dhcp.end}'/>` : ''
  const dhcp = range || hosts ? `<dhcp>${range}${hosts}</dhcp>` : ''
  return `<network><name>${n.name}</name>${forward}<bridge name='${n.bridge}'/><ip address='${n.prefix}.1' netmask='255.255.255.0'>${dhcp}</ip></network>`
}

export function defineDomain(uri: string, d: TestDomain, start = false): void {
  withXml(domainXml(d), (file) => virshAt(uri, 'define', file))
  if (start) virshAt(uri, 'start', d.name)
}

export function defineNetwork(uri: string, n: TestNetwork, start = true): void {
  withXml(networkXml(n), (file) => virshAt(uri, 'net-define', file))
  if (start) virshAt(uri, 'net-start', n.name)
}

/** Remove a domain whatever its state; quiet when it is already gone. */
export function removeDomain(uri: string, name: string): void {
  try {
    virshAt(uri, 'destroy', name)
  } catch {
    /* not running */
  }
  try {
    virshAt(uri, 'undefine', name)
  } catch {
    /* gone */
  }
}

export function removeNetwork(uri: string, name: string): void {
  try {
    virshAt(uri, 'net-destroy', name)
  } catch {
    /* not active */
  }
  try {
    virshAt(uri, 'net-undefine', name)
  } catch {
    /* gone */
  }
}

export function names(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}
