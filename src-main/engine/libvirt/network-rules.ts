// Rules a network change must satisfy before anything runs: subnets that do not overlap, addresses inside
// their subnet, no duplicate MACs, addresses or names, and no static address inside the DHCP range.
// Each problem names the field it is about. The gateway and DHCP range rules are the lab's own
// (src-shared/lab-networks.ts), so a lab file and a network made by hand are held to the same ones.
import {
  formatCidr,
  inSubnet,
  parseCidr,
  parseIpv4,
  subnetsOverlap,
  type Subnet,
} from '../../../src-shared/ipv4'
import type { DhcpRange, NetworkInfo, StaticHost } from '../../../src-shared/libvirt'
import { dhcpRangeIssues as rangeRules, gatewayIssues, gatewayOf } from '../../../src-shared/lab-networks'

/** A subnet as libvirt may hold it (any prefix 0-32), unlike the 8-30 Stacklab creates. */
function anySubnet(cidr: string): Subnet | null {
  const [ip, bits] = cidr.split('/')
  const base = parseIpv4(ip ?? '')
  const prefix = Number(bits)
  return base !== null && Number.isInteger(prefix) && prefix >= 0 && prefix <= 32 ? { base, prefix } : null
}

export interface Issue {
  path: string
  message: string
}

function rangeIssues(subnet: Subnet, range: DhcpRange, gateway: number, path: string): Issue[] {
  return rangeRules(subnet, range, gateway).map((i) => ({
    path: [path, ...i.path].join('.'),
    message: i.message,
  }))
}

function inRange(range: DhcpRange | undefined | null, addr: number): boolean {
  return !!range && addr >= parseIpv4(range.start)! && addr <= parseIpv4(range.end)!
}

export function hostIssues(
  subnet: Subnet,
  hosts: StaticHost[],
  range: DhcpRange | null | undefined,
  gateway: number,
  path: string,
): Issue[] {
  const issues: Issue[] = []
  const macs = new Map<string, number>()
  const ips = new Map<string, number>()
  const names = new Map<string, number>()
  hosts.forEach((h, i) => {
    const at = `${path}.${i}`
    const addr = parseIpv4(h.ip)!
    if (!inSubnet(subnet, addr))
      issues.push({ path: `${at}.ip`, message: `${h.ip} is outside ${formatCidr(subnet)}` })
    else if (addr === gateway)
      issues.push({ path: `${at}.ip`, message: `${h.ip} is the host's own address on the network` })
    else if (inRange(range, addr))
      issues.push({
        path: `${at}.ip`,
        message: `${h.ip} is inside the DHCP range ${range!.start}-${range!.end}`,
      })
    for (const [key, map, field] of [
      [h.mac, macs, 'mac'],
      [h.ip, ips, 'ip'],
      [h.name, names, 'name'],
    ] as const) {
      const seen = map.get(key)
      if (seen !== undefined)
        issues.push({ path: `${at}.${field}`, message: `${key} is already used by ${path}.${seen}` })
      else map.set(key, i)
    }
  })
  return issues
}

export interface NetworkPlan {
  name: string
  subnet: string
  gateway?: string | undefined
  dhcp?: DhcpRange | undefined
  staticHosts: StaticHost[]
}

export function networkCreateIssues(plan: NetworkPlan, existing: NetworkInfo[]): Issue[] {
  const issues: Issue[] = []
  const subnet = parseCidr(plan.subnet)!
  if (existing.some((n) => n.name === plan.name))
    issues.push({ path: 'name', message: `a network named ${plan.name} already exists` })
  for (const other of existing) {
    // Every IPv4 block of a network made elsewhere, whatever its prefix.
    for (const block of new Set([other.subnet, ...(other.ipv4 ?? []).map((b) => b.subnet)])) {
      const theirs = block ? anySubnet(block) : null
      if (theirs && subnetsOverlap(subnet, theirs)) {
        issues.push({
          path: 'subnet',
          message: `${plan.subnet} overlaps ${block} of network ${other.name}`,
        })
      }
    }
  }
  const gateway = gatewayOf(subnet, plan.gateway)
  for (const g of gatewayIssues(subnet, plan.gateway)) issues.push({ path: 'gateway', message: g.message })
  if (plan.dhcp) issues.push(...rangeIssues(subnet, plan.dhcp, gateway, 'dhcp'))
  issues.push(...hostIssues(subnet, plan.staticHosts, plan.dhcp, gateway, 'staticHosts'))
  return issues
}

/** Issues of adding one static host to an existing network. */
export function staticHostIssues(net: NetworkInfo, host: StaticHost): Issue[] {
  const subnet = net.subnet ? parseCidr(net.subnet) : null
  if (!subnet) return [{ path: 'name', message: `network ${net.name} has no IPv4 subnet` }]
  const gateway = parseIpv4(net.gateway ?? '') ?? subnet.base + 1
  const addr = parseIpv4(host.ip)!
  const issues: Issue[] = []
  if (!inSubnet(subnet, addr))
    issues.push({ path: 'host.ip', message: `${host.ip} is outside ${net.subnet}` })
  else if (addr === gateway)
    issues.push({ path: 'host.ip', message: `${host.ip} is the host's own address on ${net.name}` })
  for (const range of net.dhcpRanges) {
    if (inRange(range, addr))
      issues.push({
        path: 'host.ip',
        message: `${host.ip} is inside the DHCP range ${range.start}-${range.end}`,
      })
  }
  for (const h of net.staticHosts) {
    const who = h.name ?? h.mac
    if (h.mac === host.mac)
      issues.push({ path: 'host.mac', message: `${host.mac} is already used on ${net.name} by ${who}` })
    if (h.ip === host.ip)
      issues.push({ path: 'host.ip', message: `${host.ip} is already used on ${net.name} by ${who}` })
    if (h.name && h.name === host.name)
      issues.push({ path: 'host.name', message: `${host.name} is already used on ${net.name}` })
  }
  return issues
}

export function dhcpRangeIssues(net: NetworkInfo, range: DhcpRange): Issue[] {
  const subnet = net.subnet ? parseCidr(net.subnet) : null
  if (!subnet) return [{ path: 'name', message: `network ${net.name} has no IPv4 subnet` }]
  const gateway = parseIpv4(net.gateway ?? '') ?? subnet.base + 1
  const issues = rangeIssues(subnet, range, gateway, 'range')
  for (const h of net.staticHosts) {
    if (inRange(range, parseIpv4(h.ip)!)) {
      issues.push({
        path: 'range',
        message: `the range contains the static address ${h.ip} of ${h.name ?? h.mac}`,
      })
    }
  }
  return issues
}
