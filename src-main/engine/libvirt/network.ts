// Networks: the `default` NAT network and the lab's isolated internal networks. Create, start, stop,
// autostart, delete; DHCP range and static hosts edited live and persistently; leases.
import type {
  DhcpRange,
  Lease,
  NetworkCreateInput,
  NetworkInfo,
  StaticHost,
} from '../../../src-shared/libvirt'
import { virshBatch } from './batch'
import { LibvirtError } from './errors'
import { hostXml, networkXml, parseNetworkXml, rangeXml } from './network-xml'
import { dhcpRangeIssues, networkCreateIssues, staticHostIssues, type Issue } from './network-rules'
import { withTempFile } from './tempfile'
import type { Virsh } from './virsh'
import { namesOf } from './domain'
import { outputLines } from '../lines'

export class ValidationError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '))
    this.name = 'ValidationError'
  }
}

export async function networkList(virsh: Virsh): Promise<NetworkInfo[]> {
  const [all, active, autostart, persistent] = await virshBatch(virsh, [
    ['net-list', '--all', '--name'],
    ['net-list', '--name'],
    ['net-list', '--all', '--name', '--autostart'],
    ['net-list', '--all', '--name', '--persistent'],
  ])
  const names = namesOf(all)
  const xmls = await virshBatch(
    virsh,
    names.map((n) => ['net-dumpxml', n]),
  )
  const flags = { active: namesOf(active), autostart: namesOf(autostart), persistent: namesOf(persistent) }
  return networksFrom(names, xmls, flags)
}

export function networksFrom(
  names: string[],
  xmls: (string | null)[],
  flags: { active: string[]; autostart: string[]; persistent: string[] },
): NetworkInfo[] {
  const nets: NetworkInfo[] = []
  names.forEach((n, i) => {
    const xml = xmls[i]
    if (!xml) return // removed between the two calls
    nets.push(
      parseNetworkXml(xml, {
        active: flags.active.includes(n),
        autostart: flags.autostart.includes(n),
        persistent: flags.persistent.includes(n),
      }),
    )
  })
  return nets
}

export async function networkGet(virsh: Virsh, name: string): Promise<NetworkInfo> {
  const net = (await networkList(virsh)).find((n) => n.name === name)
  if (!net)
    throw new LibvirtError('not-found', `Network not found: ${name}`, '', ['virsh', 'net-dumpxml', name])
  return net
}

export async function networkCreate(
  virsh: Virsh,
  input: NetworkCreateInput & { staticHosts: StaticHost[]; autostart: boolean },
): Promise<NetworkInfo> {
  const existing = await networkList(virsh)
  const issues = networkCreateIssues(input, existing)
  if (issues.length) throw new ValidationError(issues)
  await withTempFile('network.xml', networkXml(input), (file) => virsh(['net-define', file]))
  try {
    await virsh(['net-start', input.name])
    if (input.autostart) await virsh(['net-autostart', input.name])
  } catch (error) {
    // Leave nothing half-made behind.
    await virsh(['net-undefine', input.name]).catch(() => undefined)
    throw error
  }
  return networkGet(virsh, input.name)
}

export async function networkStart(virsh: Virsh, name: string): Promise<void> {
  await virsh(['net-start', name])
}

export async function networkStop(virsh: Virsh, name: string): Promise<void> {
  await virsh(['net-destroy', name])
}

export async function networkSetAutostart(virsh: Virsh, name: string, enabled: boolean): Promise<void> {
  await virsh(enabled ? ['net-autostart', name] : ['net-autostart', name, '--disable'])
}

export async function networkDelete(virsh: Virsh, name: string): Promise<void> {
  const net = await networkGet(virsh, name)
  if (net.active) await virsh(['net-destroy', name])
  if (net.persistent) await virsh(['net-undefine', name])
}

/** `--live --config` on a running network (now and after restart), `--config` on a stopped one. */
function scope(net: NetworkInfo): string[] {
  return net.active ? ['--live', '--config'] : ['--config']
}

export async function networkAddStaticHost(
  virsh: Virsh,
  name: string,
  host: StaticHost,
): Promise<NetworkInfo> {
  const net = await networkGet(virsh, name)
  const issues = staticHostIssues(net, host)
  if (issues.length) throw new ValidationError(issues)
  await virsh(['net-update', name, 'add-last', 'ip-dhcp-host', hostXml(host), ...scope(net)])
  return networkGet(virsh, name)
}

export async function networkRemoveStaticHost(virsh: Virsh, name: string, mac: string): Promise<NetworkInfo> {
  const net = await networkGet(virsh, name)
  const host = net.staticHosts.find((h) => h.mac === mac)
  if (!host)
    throw new ValidationError([{ path: 'mac', message: `no static host with MAC ${mac} on ${name}` }])
  const entry = { mac: host.mac, ip: host.ip, name: host.name ?? '' }
  await virsh([
    'net-update',
    name,
    'delete',
    'ip-dhcp-host',
    entry.name ? hostXml(entry) : `<host mac="${host.mac}" ip="${host.ip}"/>`,
    ...scope(net),
  ])
  return networkGet(virsh, name)
}

/** Replace the DHCP range (or remove it with null). */
export async function networkSetDhcpRange(
  virsh: Virsh,
  name: string,
  range: DhcpRange | null,
): Promise<NetworkInfo> {
  const net = await networkGet(virsh, name)
  if (range) {
    const issues = dhcpRangeIssues(net, range)
    if (issues.length) throw new ValidationError(issues)
  }
  for (const old of net.dhcpRanges)
    await virsh(['net-update', name, 'delete', 'ip-dhcp-range', rangeXml(old), ...scope(net)])
  if (range) await virsh(['net-update', name, 'add-last', 'ip-dhcp-range', rangeXml(range), ...scope(net)])
  return networkGet(virsh, name)
}

/** `net-dhcp-leases` has no XML form; its table is read column by column, by pattern. */
export function parseLeases(out: string): Lease[] {
  const leases: Lease[] = []
  for (const line of outputLines(out)) {
    const m = /^\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s+([0-9a-f:]{17})\s+ipv4\s+([\d.]+)\/\d+\s+(\S+)/i.exec(
      line,
    )
    if (m)
      leases.push({
        expires: m[1]!,
        mac: m[2]!.toLowerCase(),
        ip: m[3]!,
        hostname: m[4] === '-' ? null : m[4]!,
      })
  }
  return leases
}

export async function networkLeases(
  virsh: Virsh,
  name: string,
): Promise<{ supported: boolean; leases: Lease[] }> {
  try {
    return { supported: true, leases: parseLeases(await virsh(['net-dhcp-leases', name])) }
  } catch (error) {
    if (error instanceof LibvirtError && error.kind === 'unsupported') return { supported: false, leases: [] }
    throw error
  }
}
