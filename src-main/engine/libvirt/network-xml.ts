// Network XML: parsed from `net-dumpxml` into NetworkInfo (every IPv4 block, its DHCP ranges and static
// hosts), and generated for the networks Stacklab creates.
import type { NetworkInfo, StaticHost, DhcpRange } from '../../../src-shared/libvirt'
import {
  formatIpv4,
  netmaskOf,
  parseCidr,
  prefixOfNetmask,
  formatCidr,
  maskOf,
  parseIpv4,
} from '../../../src-shared/ipv4'
import { attr, child, many, parseXml, text } from './xml'
import { attrs } from './xml-build'

/**
 * The prefix libvirt gives an IPv4 address without `prefix` or `netmask`: the address's class (A /8, B /16,
 * C /24), as virSocketAddrGetIPPrefix does; none for class D and E.
 */
export function classfulPrefix(address: number): number | null {
  const octet = address >>> 24
  if ((octet & 0x80) === 0) return 8
  if ((octet & 0xc0) === 0x80) return 16
  if ((octet & 0xe0) === 0xc0) return 24
  return null
}

export function parseNetworkXml(
  xml: string,
  flags: { active: boolean; autostart: boolean; persistent: boolean },
): NetworkInfo {
  const net = child(parseXml(xml), 'network')
  if (!net || typeof net !== 'object') throw new Error('not a network document: no <network> element')
  const name = text(child(net, 'name'))
  if (name === undefined || name === '') throw new Error('the network XML has no <name>')
  const forward = child(net, 'forward')
  const blocks = many(child(net, 'ip')).filter((i) => (attr(i, 'family') ?? 'ipv4') === 'ipv4')
  const ipv4 = blocks.map((ip) => {
    const address = attr(ip, 'address') ?? ''
    const addr = parseIpv4(address)
    const prefixAttr = attr(ip, 'prefix')
    const netmask = attr(ip, 'netmask')
    const prefix =
      prefixAttr !== undefined
        ? Number(prefixAttr)
        : netmask !== undefined
          ? prefixOfNetmask(netmask)
          : addr !== null
            ? classfulPrefix(addr)
            : null
    const valid = prefix !== null && Number.isInteger(prefix) && prefix >= 0 && prefix <= 32
    const subnet = addr !== null && valid ? formatCidr({ base: (addr & maskOf(prefix)) >>> 0, prefix }) : null
    return { address, prefix: valid ? prefix : null, subnet }
  })
  const dhcps = blocks.map((ip) => child(ip, 'dhcp'))
  return {
    name,
    uuid: (text(child(net, 'uuid')) ?? '').trim(),
    ...flags,
    mode: forward === undefined ? 'isolated' : (attr(forward, 'mode') ?? 'nat'),
    bridge: attr(child(net, 'bridge'), 'name') ?? null,
    subnet: ipv4[0]?.subnet ?? null,
    gateway: ipv4[0]?.address || null,
    ipv4,
    dhcpRanges: dhcps.flatMap((dhcp) =>
      many(child(dhcp, 'range')).map((r) => ({
        start: attr(r, 'start') ?? '',
        end: attr(r, 'end') ?? '',
      })),
    ),
    staticHosts: dhcps.flatMap((dhcp) =>
      many(child(dhcp, 'host')).map((h) => ({
        mac: (attr(h, 'mac') ?? '').toLowerCase(),
        ip: attr(h, 'ip') ?? '',
        name: attr(h, 'name') ?? null,
      })),
    ),
    problem: null,
  }
}

export interface NetworkSpec {
  name: string
  mode: 'nat' | 'isolated'
  subnet: string
  gateway?: string | undefined
  bridge?: string | undefined
  dhcp?: DhcpRange | undefined
  staticHosts: StaticHost[]
}

export function networkXml(spec: NetworkSpec): string {
  const subnet = parseCidr(spec.subnet)
  if (!subnet) throw new Error(`invalid subnet ${spec.subnet}`)
  const gateway = spec.gateway ?? formatIpv4(subnet.base + 1)
  const lines = [`<network>`, `  <name>${spec.name}</name>`]
  if (spec.mode === 'nat') lines.push(`  <forward mode="nat"/>`)
  lines.push(`  <bridge${attrs({ name: spec.bridge, stp: 'on', delay: '0' })}/>`)
  lines.push(`  <ip${attrs({ address: gateway, netmask: netmaskOf(subnet.prefix) })}>`)
  if (spec.dhcp || spec.staticHosts.length) {
    lines.push(`    <dhcp>`)
    if (spec.dhcp) lines.push(`      <range${attrs({ start: spec.dhcp.start, end: spec.dhcp.end })}/>`)
    for (const h of spec.staticHosts) lines.push(`      ${hostXml(h)}`)
    lines.push(`    </dhcp>`)
  }
  lines.push(`  </ip>`, `</network>`, '')
  return lines.join('\n')
}

export function hostXml(h: StaticHost): string {
  return `<host${attrs({ mac: h.mac, name: h.name, ip: h.ip })}/>`
}

export function rangeXml(r: DhcpRange): string {
  return `<range${attrs({ start: r.start, end: r.end })}/>`
}
