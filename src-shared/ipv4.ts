// IPv4 arithmetic for lab networks: subnets, ranges, membership and overlap. Pure functions, shared by the
// engine and the UI's validation.
import { z } from 'zod'

export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (!m) return null
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255) || m.slice(1).some((p) => p.length > 1 && p.startsWith('0'))) return null
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

export interface Subnet {
  /** Network address. */
  base: number
  prefix: number
}

export function parseCidr(text: string): Subnet | null {
  const [ip, bits, extra] = text.split('/')
  if (extra !== undefined || ip === undefined || bits === undefined || !/^\d{1,2}$/.test(bits)) return null
  const addr = parseIpv4(ip)
  const prefix = Number(bits)
  if (addr === null || prefix < 8 || prefix > 30) return null
  const base = (addr & maskOf(prefix)) >>> 0
  return base === addr ? { base, prefix } : null
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
}

export function netmaskOf(prefix: number): string {
  return formatIpv4(maskOf(prefix))
}

export function prefixOfNetmask(netmask: string): number | null {
  const m = parseIpv4(netmask)
  if (m === null) return null
  const prefix = 32 - Math.log2((~m >>> 0) + 1)
  return Number.isInteger(prefix) && maskOf(prefix) === m ? prefix : null
}

export function subnetSize(s: Subnet): number {
  return 2 ** (32 - s.prefix)
}

/** A usable host address: inside the subnet, neither the network nor the broadcast address. */
export function inSubnet(s: Subnet, addr: number): boolean {
  return addr > s.base && addr < s.base + subnetSize(s) - 1
}

export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + subnetSize(b) && b.base < a.base + subnetSize(a)
}

export function formatCidr(s: Subnet): string {
  return `${formatIpv4(s.base)}/${s.prefix}`
}

export const Ipv4 = z
  .string()
  .refine((s) => parseIpv4(s) !== null, 'must be an IPv4 address like 192.168.90.100')
export const Cidr = z
  .string()
  .refine((s) => parseCidr(s) !== null, 'must be a subnet like 192.168.90.0/24 (prefix 8-30, host bits zero)')
export const Mac = z
  .string()
  .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'must be a MAC address like 52:54:00:12:34:56 (lower case)')
export const Hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'must be a host name like controller or controller.example.com (lower case letters, digits, hyphens)',
  )
