// Domain XML: parsed from `dumpxml` into the parts of DomainInfo it holds (every disk and interface kind
// libvirt has, with what each connects to), and generated for lab nodes.
import type { DiskInfo, NicInfo } from '../../../src-shared/libvirt'
import { attr, child, many, parseXml, text, type XmlValue } from './xml'
import { attrs, esc } from './xml-build'

/** A NIC as its XML says; the addresses and a bridge's network come from elsewhere (see assembleDomain). */
export type NicFacts = Omit<NicInfo, 'addresses'>

export interface DomainXmlFacts {
  name: string
  uuid: string
  type: string
  vcpus: number
  memoryMiB: number
  disks: DiskInfo[]
  nics: NicFacts[]
  serialConsole: boolean
  /** A QEMU guest agent channel that libvirt reports connected (only then is it worth asking the agent). */
  agentConnected: boolean
}

const UNIT_TO_MIB: Record<string, number> = {
  KiB: 1 / 1024,
  k: 1 / 1024,
  K: 1 / 1024,
  KB: 1000 / 1024 / 1024,
  MiB: 1,
  M: 1,
  MB: 1e6 / 1024 / 1024,
  GiB: 1024,
  G: 1024,
  GB: 1e9 / 1024 / 1024,
  TiB: 1024 * 1024,
  T: 1024 * 1024,
  TB: 1e12 / 1024 / 1024,
  b: 1 / 1024 / 1024,
  bytes: 1 / 1024 / 1024,
}

/** A PCI address element as `0000:03:00.1`. */
function pciAddress(address: XmlValue | undefined): string | null {
  const part = (name: string, width: number) =>
    (attr(address, name) ?? '0').replace(/^0x/i, '').padStart(width, '0').toLowerCase()
  if (!address || (attr(address, 'type') ?? 'pci') !== 'pci') return null
  return `${part('domain', 4)}:${part('bus', 2)}:${part('slot', 2)}.${part('function', 1)}`
}

/** Where a hostdev (PCI, USB, SCSI) sits, in one line. */
function hostdevAddress(source: XmlValue | undefined): string | null {
  const address = child(source, 'address')
  const type = attr(address, 'type') ?? 'pci'
  if (type === 'pci') return `pci ${pciAddress(address)}`
  if (type === 'usb') return `usb ${attr(address, 'bus') ?? '?'}:${attr(address, 'device') ?? '?'}`
  const vendor = attr(child(source, 'vendor'), 'id')
  const product = attr(child(source, 'product'), 'id')
  if (vendor || product) return `usb ${vendor ?? '?'}:${product ?? '?'}`
  return address ? type : null
}

/** A network disk's server: `host:port`, `[v6]:port`, or `unix:/socket`. */
function diskHost(host: XmlValue): string {
  if (attr(host, 'transport') === 'unix') return `unix:${attr(host, 'socket') ?? ''}`
  const name = attr(host, 'name') ?? ''
  const shown = name.includes(':') ? `[${name}]` : name
  const port = attr(host, 'port')
  return port ? `${shown}:${port}` : shown
}

export function parseDisk(d: XmlValue): DiskInfo {
  const type = attr(d, 'type') ?? 'file'
  const source = child(d, 'source')
  const disk: DiskInfo = {
    target: attr(child(d, 'target'), 'dev') ?? '',
    device: attr(d, 'device') ?? 'disk',
    bus: attr(child(d, 'target'), 'bus') ?? null,
    type,
    source: null,
    format: attr(child(d, 'driver'), 'type') ?? null,
    pool: null,
    volume: null,
    protocol: null,
    name: null,
    hosts: [],
    detail: null,
  }
  switch (type) {
    case 'file':
      return { ...disk, source: attr(source, 'file') ?? null }
    case 'block':
      return { ...disk, source: attr(source, 'dev') ?? null }
    case 'dir':
      return { ...disk, source: attr(source, 'dir') ?? null }
    case 'volume':
      // The volume's path is libvirt's to say (vol-path), filled in when the domain is assembled.
      return { ...disk, pool: attr(source, 'pool') ?? null, volume: attr(source, 'volume') ?? null }
    case 'network':
      return {
        ...disk,
        protocol: attr(source, 'protocol') ?? null,
        name: attr(source, 'name') ?? null,
        hosts: many(child(source, 'host')).map(diskHost),
      }
    case 'nvme': {
      const ns = attr(source, 'namespace')
      const pci = pciAddress(child(source, 'address'))
      return {
        ...disk,
        detail: [pci && `pci ${pci}`, ns && `namespace ${ns}`].filter(Boolean).join(' ') || null,
      }
    }
    case 'vhostuser':
      return { ...disk, detail: attr(source, 'path') ?? null }
    default:
      return { ...disk, source: attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'dir') ?? null }
  }
}

function endpoint(source: XmlValue | undefined): string | null {
  const address = attr(source, 'address')
  const port = attr(source, 'port')
  if (!address && !port) return null
  return `${address ?? ''}${port ? `:${port}` : ''}`
}

export function parseNic(i: XmlValue): NicFacts {
  const type = attr(i, 'type') ?? 'network'
  const source = child(i, 'source')
  const nic: NicFacts = {
    mac: (attr(child(i, 'mac'), 'address') ?? '').toLowerCase(),
    type,
    network: null,
    // A running `network` NIC names its network's bridge too.
    bridge: attr(source, 'bridge') ?? null,
    source: null,
    target: attr(child(i, 'target'), 'dev') ?? null,
    model: attr(child(i, 'model'), 'type') ?? null,
  }
  switch (type) {
    case 'network':
      return { ...nic, network: attr(source, 'network') ?? null }
    case 'bridge':
      return nic
    case 'direct':
      // libvirt's default macvtap mode is vepa.
      return { ...nic, source: `${attr(source, 'dev') ?? '?'} (${attr(source, 'mode') ?? 'vepa'})` }
    case 'vhostuser': {
      const path = attr(source, 'path')
      const mode = attr(source, 'mode')
      return { ...nic, source: path ? `${path}${mode ? ` (${mode})` : ''}` : null }
    }
    case 'hostdev':
      return { ...nic, source: hostdevAddress(source) }
    case 'vdpa':
      return { ...nic, source: attr(source, 'dev') ?? null }
    case 'mcast':
    case 'server':
    case 'client':
      return { ...nic, source: endpoint(source) }
    case 'udp': {
      const local = endpoint(child(source, 'local'))
      const remote = endpoint(source)
      return { ...nic, source: remote ? `${remote}${local ? ` (local ${local})` : ''}` : null }
    }
    case 'vds':
      return { ...nic, source: attr(source, 'switchid') ?? null }
    default:
      return { ...nic, source: attr(source, 'dev') ?? null }
  }
}

export function parseDomainXml(xml: string): DomainXmlFacts {
  const dom = child(parseXml(xml), 'domain')
  if (!dom || typeof dom !== 'object') throw new Error('not a domain document: no <domain> element')
  const devices = child(dom, 'devices')
  const memory = child(dom, 'memory')
  const unit = attr(memory, 'unit') ?? 'KiB'
  const name = text(child(dom, 'name'))
  if (name === undefined || name === '') throw new Error('the domain XML has no <name>')
  return {
    name,
    uuid: (text(child(dom, 'uuid')) ?? '').trim(),
    type: attr(dom, 'type') ?? '',
    vcpus: Number(text(child(dom, 'vcpu')) ?? 0),
    memoryMiB: Math.round(Number(text(memory) ?? 0) * (UNIT_TO_MIB[unit] ?? 1 / 1024)),
    disks: many(child(devices, 'disk')).map(parseDisk),
    nics: many(child(devices, 'interface')).map(parseNic),
    serialConsole: many(child(devices, 'serial')).length > 0 || many(child(devices, 'console')).length > 0,
    agentConnected: many(child(devices, 'channel')).some((c) => {
      const target = child(c, 'target')
      return attr(target, 'name') === 'org.qemu.guest_agent.0' && attr(target, 'state') === 'connected'
    }),
  }
}

export interface DomainSpec {
  name: string
  /** `kvm` with host CPU passthrough where KVM works, `qemu` (software emulation) otherwise; `test` for the test driver. */
  type: 'kvm' | 'qemu' | 'test'
  vcpus: number
  memoryMiB: number
  /** `serial`: what the guest names the disk by in /dev/disk/by-id (virtio-<serial>), at most 20 characters. */
  disks: { path: string; format: 'qcow2' | 'raw'; target: string; serial?: string }[]
  nics: { network: string; mac: string }[]
  description?: string
}

export function domainXml(spec: DomainSpec): string {
  const cpu =
    spec.type === 'kvm'
      ? `  <cpu mode="host-passthrough" check="none" migratable="on"/>`
      : spec.type === 'qemu'
        ? `  <cpu mode="custom" match="exact"><model fallback="allow">qemu64</model></cpu>`
        : ''
  const lines = [
    `<domain type="${spec.type}">`,
    `  <name>${esc(spec.name)}</name>`,
    spec.description ? `  <description>${esc(spec.description)}</description>` : '',
    `  <memory unit="MiB">${spec.memoryMiB}</memory>`,
    `  <currentMemory unit="MiB">${spec.memoryMiB}</currentMemory>`,
    `  <vcpu placement="static">${spec.vcpus}</vcpu>`,
    `  <os>`,
    `    <type arch="x86_64"${spec.type === 'test' ? '' : ' machine="pc"'}>hvm</type>`,
    `    <boot dev="hd"/>`,
    `  </os>`,
    spec.type === 'test' ? '' : `  <features><acpi/><apic/></features>`,
    cpu,
    `  <clock offset="utc"/>`,
    `  <on_poweroff>destroy</on_poweroff>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>destroy</on_crash>`,
    `  <devices>`,
    ...spec.disks.map(
      (d) =>
        `    <disk type="file" device="disk"><driver name="qemu" type="${d.format}"/><source${attrs({ file: d.path })}/><target dev="${d.target}" bus="virtio"/>${d.serial ? `<serial>${esc(d.serial)}</serial>` : ''}</disk>`,
    ),
    ...spec.nics.map(
      (n) =>
        `    <interface type="network"><mac${attrs({ address: n.mac })}/><source${attrs({ network: n.network })}/><model type="virtio"/></interface>`,
    ),
    spec.type === 'test' ? '' : `    <serial type="pty"><target port="0"/></serial>`,
    spec.type === 'test' ? '' : `    <console type="pty"><target type="serial" port="0"/></console>`,
    spec.type === 'test'
      ? ''
      : `    <rng model="virtio"><backend model="random">/dev/urandom</backend></rng>`,
    `  </devices>`,
    `</domain>`,
    '',
  ]
  return lines.filter((l) => l !== '').join('\n')
}
