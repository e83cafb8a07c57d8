// Network XML: parsed from `net-dumpxml` into NetworkInfo, and generated for the networks Stacklab creates.
import type { NetworkInfo, StaticHost, DhcpRange } from '../../../src-shared/libvirt'
import {
  formatIpv4,
  netmaskOf,
  parseCidr,
  prefixOfNetmask,
  formatCidr,
  parseIpv4,
} from '../../../src-shared/ipv4'
import { attr, child, many, parseXml, text } from './xml'
import { attrs } from './xml-build'

export function parseNetworkXml(
  xml: string,
  flags: { active: boolean; autostart: boolean; persistent: boolean },
): NetworkInfo {
  const net = child(parseXml(xml), 'network')
  const forward = child(net, 'forward')
  const ip = many(child(net, 'ip')).find((i) => (attr(i, 'family') ?? 'ipv4') === 'ipv4')
  let subnet: string | null = null
  let gateway: string | null = null
  if (ip) {
    gateway = attr(ip, 'address') ?? null
    const prefix = attr(ip, 'prefix')
      ? Number(attr(ip, 'prefix'))
      : prefixOfNetmask(attr(ip, 'netmask') ?? '')
    const addr = parseIpv4(gateway ?? '')
    if (prefix !== null && addr !== null) {
      const base = (addr & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0
      subnet = formatCidr({ base, prefix })
    }
  }
  const dhcp = child(ip, 'dhcp')
  return {
    name: text(child(net, 'name')) ?? '',
    uuid: text(child(net, 'uuid')) ?? '',
    ...flags,
    mode: forward === undefined ? 'isolated' : (attr(forward, 'mode') ?? 'nat'),
    bridge: attr(child(net, 'bridge'), 'name') ?? null,
    subnet,
    gateway,
    dhcpRanges: many(child(dhcp, 'range')).map((r) => ({
      start: attr(r, 'start') ?? '',
      end: attr(r, 'end') ?? '',
    })),
    staticHosts: many(child(dhcp, 'host')).map((h) => ({
      mac: (attr(h, 'mac') ?? '').toLowerCase(),
      ip: attr(h, 'ip') ?? '',
      name: attr(h, 'name') ?? null,
    })),
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
