// A lab definition: what a user writes (YAML) or fills in (wizard), checked by one schema whose messages
// name the field. The default lab is the seeds' two-node lab.
import { z } from 'zod'
import { InstallState } from './install'
import { Cidr, Hostname, Ipv4, parseCidr, parseIpv4, inSubnet, subnetsOverlap, formatCidr } from './ipv4'
import { ResourceName } from './names'

export const Role = z.enum(['controller', 'compute', 'network', 'storage'])
export type Role = z.infer<typeof Role>

/** Guest OS families Stacklab knows how to configure (network files, packstack preparation). */
export const OsFamily = z.enum(['rhel7', 'rhel8', 'rhel9', 'debian'])
export type OsFamily = z.infer<typeof OsFamily>

export interface Preset {
  id: string
  label: string
  /** virt-builder template name. */
  template: string
  osFamily: OsFamily
  /** OpenStack releases packstack supports on this OS, newest first. */
  releases: string[]
  /** CentOS 7 is end of life: its repositories must point at the archive. */
  eol: boolean
}

export const PRESETS: Preset[] = [
  {
    id: 'centos-7.9',
    label: 'CentOS 7.9 (EOL, archived repositories)',
    template: 'centos-7.8',
    osFamily: 'rhel7',
    releases: ['train', 'stein', 'rocky', 'queens', 'pike'],
    eol: true,
  },
  {
    id: 'centos-stream-8',
    label: 'CentOS Stream 8',
    template: 'centosstream-8',
    osFamily: 'rhel8',
    releases: ['yoga', 'xena', 'wallaby', 'victoria', 'ussuri'],
    eol: true,
  },
  {
    id: 'centos-stream-9',
    label: 'CentOS Stream 9',
    template: 'centosstream-9',
    osFamily: 'rhel9',
    releases: ['caracal', 'bobcat', 'antelope', 'zed', 'yoga'],
    eol: false,
  },
  // The offline test template (test/lab/template): Debian with packstack/openstack test doubles.
  {
    id: 'debian-12-stacklab',
    label: 'Debian 12 test template (offline, packstack test double)',
    template: 'debian-12-stacklab',
    osFamily: 'debian',
    releases: ['test'],
    eol: false,
  },
]

/** Smallest memory per role that makes sense; packstack's all-in-one controller needs the most. */
export const MIN_MEMORY_MIB: Record<Role, number> = {
  controller: 4096,
  compute: 1024,
  network: 1024,
  storage: 1024,
}

export const NicDef = z.object({
  network: ResourceName,
  ip: Ipv4,
})

export const NodeDef = z.object({
  name: ResourceName,
  role: Role,
  vcpus: z.number().int().min(1).max(64),
  memoryMiB: z
    .number()
    .int()
    .min(512)
    .max(512 * 1024),
  diskGiB: z.number().int().min(4).max(4096),
  nics: z.array(NicDef).min(1).max(4),
})
export type NodeDef = z.infer<typeof NodeDef>

export const NetworkDef = z.object({
  name: ResourceName,
  /** nat: the host's `default` NAT network (used as it is); isolated: an internal network Stacklab creates. */
  mode: z.enum(['nat', 'isolated']),
  subnet: Cidr,
  gateway: Ipv4.optional(),
  dhcp: z.object({ start: Ipv4, end: Ipv4 }).optional(),
})
export type NetworkDef = z.infer<typeof NetworkDef>

export const LabDefinition = z
  .object({
    name: ResourceName,
    preset: z.string(),
    release: z.string(),
    domain: Hostname,
    networks: z.array(NetworkDef).min(1).max(8),
    nodes: z.array(NodeDef).min(1).max(16),
    packstack: z
      .object({
        provisionDemo: z.boolean().default(false),
        ntpServers: z
          .array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address'))
          .default([]),
        install: z
          .object({ cinder: z.boolean(), swift: z.boolean(), heat: z.boolean(), horizon: z.boolean() })
          .partial()
          .default({}),
      })
      .default({ provisionDemo: false, ntpServers: [], install: {} }),
  })
  .superRefine((lab, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message })
    const preset = PRESETS.find((p) => p.id === lab.preset)
    if (!preset)
      issue(
        ['preset'],
        `unknown template preset ${lab.preset}; known: ${PRESETS.map((p) => p.id).join(', ')}`,
      )
    else if (!preset.releases.includes(lab.release))
      issue(
        ['release'],
        `${lab.release} is not a release packstack supports on ${preset.label}; choose one of ${preset.releases.join(', ')}`,
      )

    const nets = new Map<string, { subnet: ReturnType<typeof parseCidr>; def: NetworkDef }>()
    lab.networks.forEach((n, i) => {
      if (nets.has(n.name)) issue(['networks', i, 'name'], `network ${n.name} is defined twice`)
      const subnet = parseCidr(n.subnet)
      for (const [other, o] of nets) {
        if (subnet && o.subnet && subnetsOverlap(subnet, o.subnet))
          issue(['networks', i, 'subnet'], `${n.subnet} overlaps ${formatCidr(o.subnet)} of network ${other}`)
      }
      nets.set(n.name, { subnet, def: n })
    })
    if (!lab.networks.some((n) => n.mode === 'nat'))
      issue(['networks'], 'a lab needs a NAT network (the default one) so nodes reach package repositories')

    const names = new Set<string>()
    const ips = new Map<string, string>()
    if (!lab.nodes.some((n) => n.role === 'controller')) issue(['nodes'], 'a lab needs a controller node')
    lab.nodes.forEach((node, i) => {
      if (names.has(node.name)) issue(['nodes', i, 'name'], `node ${node.name} is defined twice`)
      names.add(node.name)
      if (node.memoryMiB < MIN_MEMORY_MIB[node.role]) {
        issue(
          ['nodes', i, 'memoryMiB'],
          `${node.memoryMiB} MiB is too little for a ${node.role}: at least ${MIN_MEMORY_MIB[node.role]} MiB`,
        )
      }
      const seenNets = new Set<string>()
      node.nics.forEach((nic, j) => {
        const at = ['nodes', i, 'nics', j]
        const net = nets.get(nic.network)
        if (!net) return issue([...at, 'network'], `no network named ${nic.network} in this lab`)
        if (seenNets.has(nic.network))
          issue([...at, 'network'], `${node.name} already has a NIC on ${nic.network}`)
        seenNets.add(nic.network)
        const addr = parseIpv4(nic.ip)
        if (addr === null || !net.subnet) return
        if (!inSubnet(net.subnet, addr))
          return issue([...at, 'ip'], `${nic.ip} is outside ${net.def.subnet} of network ${nic.network}`)
        const gw = net.def.gateway ? parseIpv4(net.def.gateway) : net.subnet.base + 1
        if (addr === gw) issue([...at, 'ip'], `${nic.ip} is the host's own address on ${nic.network}`)
        const dhcp = net.def.dhcp
        if (dhcp && addr >= parseIpv4(dhcp.start)! && addr <= parseIpv4(dhcp.end)!) {
          issue(
            [...at, 'ip'],
            `${nic.ip} is inside the DHCP range ${dhcp.start}-${dhcp.end} of ${nic.network}`,
          )
        }
        const owner = ips.get(nic.ip)
        if (owner) issue([...at, 'ip'], `${nic.ip} is already used by ${owner}`)
        else ips.set(nic.ip, node.name)
      })
    })
  })
export type LabDefinition = z.infer<typeof LabDefinition>
export type LabDefinitionInput = z.input<typeof LabDefinition>

/** The seeds' lab: controller .100 and compute .110 on the NAT network and on an internal network. */
export function defaultLab(name = 'lab1'): LabDefinitionInput {
  return {
    name,
    preset: 'centos-7.9',
    release: 'train',
    domain: 'example.com',
    networks: [
      { name: 'default', mode: 'nat', subnet: '192.168.122.0/24' },
      { name: `${name}-int`, mode: 'isolated', subnet: '192.168.90.0/24' },
    ],
    nodes: [
      {
        name: 'controller',
        role: 'controller',
        vcpus: 4,
        memoryMiB: 8192,
        diskGiB: 40,
        nics: [
          { network: 'default', ip: '192.168.122.100' },
          { network: `${name}-int`, ip: '192.168.90.100' },
        ],
      },
      {
        name: 'compute',
        role: 'compute',
        vcpus: 2,
        memoryMiB: 4096,
        diskGiB: 20,
        nics: [
          { network: 'default', ip: '192.168.122.110' },
          { network: `${name}-int`, ip: '192.168.90.110' },
        ],
      },
    ],
  }
}

/** The libvirt domain of a lab node. The engine names it so and the wizard shows it so. */
export function nodeDomainName(lab: string, node: string): string {
  return `${lab}-${node}`
}

/** A lab node's copy-on-write disk, in the images directory. */
export function nodeDiskFile(imagesDir: string, lab: string, node: string): string {
  let dir = imagesDir
  while (dir.endsWith('/')) dir = dir.slice(0, -1)
  return `${dir}/${lab}/${node}.qcow2`
}

/** The cached base image of a template and disk size (shared by every lab), in the images directory. */
export const BASE_IMAGE_DIR = 'stacklab-base'
export function baseImageName(template: string, sizeGiB: number): string {
  return `${template}-${sizeGiB}G.qcow2`
}

/** What Stacklab made for a lab and may remove again: nothing else is ever deleted. */
export const LabResources = z.object({
  networks: z.array(z.string()),
  domains: z.array(z.string()),
  disks: z.array(z.string()),
  /** Names announced before creation (write-ahead), so a crash between the two is still cleaned up. */
  intents: z.array(z.object({ kind: z.enum(['network', 'domain', 'disk']), name: z.string() })),
})
export type LabResources = z.infer<typeof LabResources>

export const LabNodeState = z.object({
  domain: z.string(),
  disk: z.string(),
  macs: z.array(z.string()),
  address: z.string(),
  hostKeyFingerprint: z.string(),
})
export type LabNodeState = z.infer<typeof LabNodeState>

export const LabStatus = z.enum(['creating', 'ready', 'failed', 'cancelled', 'deleting', 'interrupted'])

export const LabState = z.object({
  version: z.literal(1),
  definition: LabDefinition,
  status: LabStatus,
  createdAt: z.string(),
  /** Pipeline steps finished, in order; a resumed run starts after the last one. */
  stepsDone: z.array(z.string()),
  resources: LabResources,
  nodes: z.record(z.string(), LabNodeState),
  virtType: z.enum(['kvm', 'qemu']),
  loginKeyFingerprint: z.string().nullable(),
  lastError: z.string().nullable(),
  /** The engine process working on the lab right now, if any (another process must not start too). */
  ownerPid: z.number().int().nullable().default(null),
  /** OpenStack installs on this lab (packstack runs, newest last). */
  install: InstallState.optional(),
})
export type LabState = z.infer<typeof LabState>

export const LabSummary = z.object({
  name: z.string(),
  status: LabStatus,
  preset: z.string(),
  release: z.string(),
  nodes: z.array(
    z.object({ name: z.string(), role: Role, address: z.string(), domain: z.string().nullable() }),
  ),
  createdAt: z.string(),
  lastError: z.string().nullable(),
})
export type LabSummary = z.infer<typeof LabSummary>
