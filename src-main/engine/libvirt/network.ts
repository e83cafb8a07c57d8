// Networks: the `default` NAT network, the lab's isolated internal networks, and any other the host has.
// Create, start, stop, autostart, delete; DHCP range and static hosts edited live and persistently; leases.
// A network is found by its exact name and then addressed by UUID (`--network UUID`), whatever its name.
import { EngineFailure } from '../../../src-shared/failures'
import type {
  DhcpRange,
  Lease,
  NetworkCreateInput,
  NetworkInfo,
  StaticHost,
} from '../../../src-shared/libvirt'
import { parseLeases } from './assemble'
import { LibvirtError } from './errors'
import { hostXml, networkXml, rangeXml } from './network-xml'
import { dhcpRangeIssues, networkCreateIssues, staticHostIssues, type Issue } from './network-rules'
import { sameUuid } from './lookup'
import { readNetworks } from './refresh'
import { withTempFile } from './tempfile'
import type { Virsh } from './virsh'
import { attrs } from './xml-build'

export { parseLeases }

export class ValidationError extends EngineFailure {
  constructor(readonly issues: Issue[]) {
    super('validation', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
      params: { issues: issues.map((i) => ({ path: i.path, message: i.message })) },
    })
    this.name = 'ValidationError'
  }
}

/** Every network, each read on its own (two virsh processes). */
export async function networkList(virsh: Virsh): Promise<NetworkInfo[]> {
  return readNetworks(virsh)
}

/** The network with exactly this name (addressed by its UUID from here on). */
export async function networkGet(virsh: Virsh, name: string): Promise<NetworkInfo> {
  const net = (await networkList(virsh)).find((n) => n.name === name)
  if (!net)
    throw new LibvirtError('not-found', `Network not found: ${name}`, '', ['virsh', 'net-list', '--all'])
  return net
}

/** The network's XML as libvirt gives it (`virsh net-dumpxml`), by UUID: read-only, for the raw view. */
export async function networkXmlText(virsh: Virsh, uuid: string): Promise<string> {
  return sameUuid(await virsh(['net-dumpxml', '--network', uuid]), uuid, 'Network')
}

/** Editing DHCP needs one IPv4 block to edit (net-update picks a block by index; Stacklab's have one). */
function editable(net: NetworkInfo, path: string): void {
  if (net.problem)
    throw new ValidationError([
      { path: 'name', message: `${net.name} cannot be read: ${net.problem.message}` },
    ])
  if (net.ipv4.length !== 1)
    throw new ValidationError([
      {
        path,
        message: `${net.name} has ${net.ipv4.length} IPv4 address blocks; Stacklab edits DHCP only on a network with one`,
      },
    ])
}

export async function networkCreate(
  virsh: Virsh,
  input: NetworkCreateInput & { staticHosts: StaticHost[]; autostart: boolean },
): Promise<NetworkInfo> {
  const existing = await networkList(virsh)
  const issues = networkCreateIssues(input, existing)
  if (issues.length) throw new ValidationError(issues)
  await withTempFile('network.xml', networkXml(input), (file) => virsh(['net-define', file]))
  const { uuid } = await networkGet(virsh, input.name)
  try {
    await virsh(['net-start', '--network', uuid])
    if (input.autostart) await virsh(['net-autostart', '--network', uuid])
  } catch (error) {
    // Leave nothing half-made behind.
    await virsh(['net-undefine', '--network', uuid]).catch(() => undefined)
    throw error
  }
  return networkGet(virsh, input.name)
}

export async function networkStart(virsh: Virsh, name: string): Promise<void> {
  await virsh(['net-start', '--network', (await networkGet(virsh, name)).uuid])
}

export async function networkStop(virsh: Virsh, name: string): Promise<void> {
  await virsh(['net-destroy', '--network', (await networkGet(virsh, name)).uuid])
}

export async function networkSetAutostart(virsh: Virsh, name: string, enabled: boolean): Promise<void> {
  const { uuid } = await networkGet(virsh, name)
  await virsh(['net-autostart', '--network', uuid, ...(enabled ? [] : ['--disable'])])
}

export async function networkDelete(virsh: Virsh, name: string): Promise<void> {
  const net = await networkGet(virsh, name)
  if (net.active) await virsh(['net-destroy', '--network', net.uuid])
  if (net.persistent) await virsh(['net-undefine', '--network', net.uuid])
}

/** `net-update` of one DHCP section of the network with this UUID. */
function netUpdate(net: NetworkInfo, command: string, section: string, xml: string): string[] {
  return [
    'net-update',
    '--network',
    net.uuid,
    '--command',
    command,
    '--section',
    section,
    '--xml',
    xml,
    ...scope(net),
  ]
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
  editable(net, 'host')
  const issues = staticHostIssues(net, host)
  if (issues.length) throw new ValidationError(issues)
  await virsh(netUpdate(net, 'add-last', 'ip-dhcp-host', hostXml(host)))
  return networkGet(virsh, name)
}

export async function networkRemoveStaticHost(virsh: Virsh, name: string, mac: string): Promise<NetworkInfo> {
  const net = await networkGet(virsh, name)
  editable(net, 'mac')
  const host = net.staticHosts.find((h) => h.mac === mac)
  if (!host)
    throw new ValidationError([{ path: 'mac', message: `no static host with MAC ${mac} on ${name}` }])
  const entry = { mac: host.mac, ip: host.ip, name: host.name ?? '' }
  await virsh(
    netUpdate(
      net,
      'delete',
      'ip-dhcp-host',
      entry.name ? hostXml(entry) : `<host${attrs({ mac: host.mac, ip: host.ip })}/>`,
    ),
  )
  return networkGet(virsh, name)
}

/** Replace the DHCP range (or remove it with null). */
export async function networkSetDhcpRange(
  virsh: Virsh,
  name: string,
  range: DhcpRange | null,
): Promise<NetworkInfo> {
  const net = await networkGet(virsh, name)
  editable(net, 'range')
  if (range) {
    const issues = dhcpRangeIssues(net, range)
    if (issues.length) throw new ValidationError(issues)
  }
  for (const old of net.dhcpRanges) await virsh(netUpdate(net, 'delete', 'ip-dhcp-range', rangeXml(old)))
  if (range) await virsh(netUpdate(net, 'add-last', 'ip-dhcp-range', rangeXml(range)))
  return networkGet(virsh, name)
}

export async function networkLeases(
  virsh: Virsh,
  name: string,
): Promise<{ supported: boolean; leases: Lease[] }> {
  try {
    const { uuid } = await networkGet(virsh, name)
    return { supported: true, leases: parseLeases(await virsh(['net-dhcp-leases', '--network', uuid])) }
  } catch (error) {
    if (error instanceof LibvirtError && error.kind === 'unsupported') return { supported: false, leases: [] }
    throw error
  }
}
