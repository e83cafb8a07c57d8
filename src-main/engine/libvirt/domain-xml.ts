// Domain XML: parsed from `dumpxml` into the parts of DomainInfo it holds, and generated for lab nodes.
import type { DiskInfo } from '../../../src-shared/libvirt'
import { attr, child, many, parseXml, text } from './xml'
import { attrs, esc } from './xml-build'

export interface DomainXmlFacts {
  name: string
  uuid: string
  type: string
  vcpus: number
  memoryMiB: number
  disks: DiskInfo[]
  nics: { mac: string; network: string | null; model: string | null }[]
  serialConsole: boolean
}

const UNIT_TO_MIB: Record<string, number> = {
  KiB: 1 / 1024,
  k: 1 / 1024,
  KB: 1000 / 1024 / 1024,
  MiB: 1,
  M: 1,
  MB: 1e6 / 1024 / 1024,
  GiB: 1024,
  G: 1024,
  GB: 1e9 / 1024 / 1024,
  b: 1 / 1024 / 1024,
  bytes: 1 / 1024 / 1024,
}

export function parseDomainXml(xml: string): DomainXmlFacts {
  const dom = child(parseXml(xml), 'domain')
  const devices = child(dom, 'devices')
  const memory = child(dom, 'memory')
  const unit = attr(memory, 'unit') ?? 'KiB'
  return {
    name: text(child(dom, 'name')) ?? '',
    uuid: text(child(dom, 'uuid')) ?? '',
    type: attr(dom, 'type') ?? '',
    vcpus: Number(text(child(dom, 'vcpu')) ?? 0),
    memoryMiB: Math.round(Number(text(memory) ?? 0) * (UNIT_TO_MIB[unit] ?? 1 / 1024)),
    disks: many(child(devices, 'disk')).map((d) => {
      const source = child(d, 'source')
      return {
        target: attr(child(d, 'target'), 'dev') ?? '',
        device: attr(d, 'device') ?? 'disk',
        bus: attr(child(d, 'target'), 'bus') ?? null,
        source: attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'volume') ?? null,
        format: attr(child(d, 'driver'), 'type') ?? null,
      }
    }),
    nics: many(child(devices, 'interface')).map((i) => ({
      mac: (attr(child(i, 'mac'), 'address') ?? '').toLowerCase(),
      network: attr(child(i, 'source'), 'network') ?? attr(child(i, 'source'), 'bridge') ?? null,
      model: attr(child(i, 'model'), 'type') ?? null,
    })),
    serialConsole: many(child(devices, 'serial')).length > 0 || many(child(devices, 'console')).length > 0,
  }
}

export interface DomainSpec {
  name: string
  /** `kvm` with host CPU passthrough where KVM works, `qemu` (software emulation) otherwise; `test` for the test driver. */
  type: 'kvm' | 'qemu' | 'test'
  vcpus: number
  memoryMiB: number
  disks: { path: string; format: 'qcow2' | 'raw'; target: string }[]
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
        `    <disk type="file" device="disk"><driver name="qemu" type="${d.format}"/><source${attrs({ file: d.path })}/><target dev="${d.target}" bus="virtio"/></disk>`,
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
