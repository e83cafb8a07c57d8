// What the engine knows about libvirt objects (domains, networks, snapshots, lab checkpoints), and the
// inputs of the calls that change them. Read from libvirt's XML; never from virsh tables.
import { z } from 'zod'
import { Cidr, Hostname, Ipv4, Mac } from './ipv4'
import { Description, RefName, ResourceName } from './names'

export const DomainState = z.enum([
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
  'nostate',
])
export type DomainState = z.infer<typeof DomainState>

/** Why an object is shown without (all of) its details: it could not be read, or Stacklab cannot act on it. */
export const ObjectProblem = z.object({ message: z.string() })
export type ObjectProblem = z.infer<typeof ObjectProblem>

export const DiskInfo = z.object({
  target: z.string(),
  /** disk, cdrom, floppy, lun. */
  device: z.string(),
  bus: z.string().nullable(),
  /** libvirt's disk type: file, block, dir, network, volume, nvme, vhostuser... */
  type: z.string(),
  /** A path on the host, where there is one: the file, the block device, the directory, a volume's path. */
  source: z.string().nullable(),
  format: z.string().nullable(),
  /** `volume` disks: the storage pool and volume (source is the volume's path when libvirt resolves it). */
  pool: z.string().nullable(),
  volume: z.string().nullable(),
  /** `network` disks: rbd, iscsi, nbd, http, https, gluster, ...; the name on the server; its hosts. */
  protocol: z.string().nullable(),
  name: z.string().nullable(),
  hosts: z.array(z.string()),
  /** Anything else it connects to, in one line (an NVMe controller's PCI address, a vhost-user socket). */
  detail: z.string().nullable(),
})
export type DiskInfo = z.infer<typeof DiskInfo>

export const NicInfo = z.object({
  mac: z.string(),
  /** libvirt's interface type: network, bridge, user, direct, ethernet, vhostuser, hostdev, vdpa, mcast... */
  type: z.string(),
  /** The libvirt network it is on: a `network` NIC's, or the one owning a `bridge` NIC's bridge. */
  network: z.string().nullable(),
  /** The host bridge it is plugged into, where there is one. */
  bridge: z.string().nullable(),
  /** What else it connects to, in one line: `eth0 (vepa)`, `/dev/vhost-vdpa-0`, `pci 0000:03:00.1`... */
  source: z.string().nullable(),
  /** The host-side device (vnet0, a tap), when libvirt names one. */
  target: z.string().nullable(),
  model: z.string().nullable(),
  /** Addresses from the network's DHCP leases and static hosts, the guest agent and the host's ARP table. */
  addresses: z.array(z.string()),
})
export type NicInfo = z.infer<typeof NicInfo>

export const DomainInfo = z.object({
  name: z.string(),
  uuid: z.string(),
  state: DomainState,
  /** libvirt's reason code for the state, as a word where known. */
  reason: z.string(),
  type: z.string(),
  vcpus: z.number(),
  memoryMiB: z.number(),
  autostart: z.boolean(),
  persistent: z.boolean(),
  disks: z.array(DiskInfo),
  nics: z.array(NicInfo),
  serialConsole: z.boolean(),
  /** Set when the domain could not be read (the rest is what could be), or Stacklab cannot act on it. */
  problem: ObjectProblem.nullable(),
})
export type DomainInfo = z.infer<typeof DomainInfo>

export const StaticHost = z.object({ mac: Mac, ip: Ipv4, name: Hostname })
export type StaticHost = z.infer<typeof StaticHost>

export const DhcpRange = z.object({ start: Ipv4, end: Ipv4 })
export type DhcpRange = z.infer<typeof DhcpRange>

export const NetworkInfo = z.object({
  name: z.string(),
  uuid: z.string(),
  active: z.boolean(),
  autostart: z.boolean(),
  persistent: z.boolean(),
  /** nat, route, open, bridge... or `isolated` when the network has no forward element. */
  mode: z.string(),
  bridge: z.string().nullable(),
  /** Subnet in CIDR form and the host's address on it, when the network has an IPv4 address (the first). */
  subnet: z.string().nullable(),
  gateway: z.string().nullable(),
  /** Every IPv4 address block of the network, in order (a netmask-less one gets libvirt's classful prefix). */
  ipv4: z.array(
    z.object({ address: z.string(), prefix: z.number().int().nullable(), subnet: z.string().nullable() }),
  ),
  /** DHCP ranges and static hosts of every IPv4 block. */
  dhcpRanges: z.array(DhcpRange),
  staticHosts: z.array(z.object({ mac: z.string(), ip: z.string(), name: z.string().nullable() })),
  problem: ObjectProblem.nullable(),
})
export type NetworkInfo = z.infer<typeof NetworkInfo>

export const Lease = z.object({
  mac: z.string(),
  ip: z.string(),
  hostname: z.string().nullable(),
  expires: z.string().nullable(),
})
export type Lease = z.infer<typeof Lease>

export const NetworkMode = z.enum(['nat', 'isolated'])

export const NetworkCreateInput = z
  .object({
    name: ResourceName,
    mode: NetworkMode,
    subnet: Cidr,
    /** The host's address on the network; default: the first address of the subnet. */
    gateway: Ipv4.optional(),
    bridge: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,14}$/, 'must be a bridge name like virbr90 (at most 15 characters)')
      .optional(),
    dhcp: DhcpRange.optional(),
    staticHosts: z.array(StaticHost).max(254).default([]),
    autostart: z.boolean().default(true),
  })
  .strict()
export type NetworkCreateInput = z.input<typeof NetworkCreateInput>

export const SnapshotNode = z.object({
  name: z.string(),
  description: z.string(),
  parent: z.string().nullable(),
  current: z.boolean(),
  createdAt: z.string(),
  /** The domain state the snapshot captured: running, paused, shutoff, disk-snapshot... */
  state: z.string(),
  memory: z.boolean(),
  kind: z.enum(['internal', 'external']),
  children: z.array(z.string()),
  /** Set when this snapshot's XML could not be read: the tree shows it by name, with the error. */
  problem: ObjectProblem.nullable(),
})
export type SnapshotNode = z.infer<typeof SnapshotNode>

export const Support = z.object({ supported: z.boolean(), reason: z.string() })
export const SnapshotSupport = z.object({
  internal: Support,
  external: Support,
  memory: Support,
  revertExternal: Support,
})
export type SnapshotSupport = z.infer<typeof SnapshotSupport>

export const Checkpoint = z.object({
  name: z.string(),
  description: z.string(),
  createdAt: z.string(),
  /** Domains the checkpoint covers and the state each was in when it was taken. */
  members: z.array(z.object({ domain: z.string(), state: z.string() })),
  /** False when a member domain lost its snapshot: the checkpoint can no longer be restored as a whole. */
  complete: z.boolean(),
})
export type Checkpoint = z.infer<typeof Checkpoint>

export const ShutdownFallback = z.enum(['force', 'leave'])

// Inputs of calls. Calls that act on an existing object take any name libvirt allows (RefName); calls that
// create something take Stacklab's strict ResourceName for the new name.
const Named = z.object({ name: RefName }).strict()
export const DomainNameInput = Named
export const NetworkNameInput = Named
export const DomainShutdownInput = z
  .object({
    name: RefName,
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(30 * 60_000)
      .default(120_000),
    fallback: ShutdownFallback.default('force'),
  })
  .strict()
export const DomainDeleteInput = z.object({ name: RefName, withDisks: z.boolean() }).strict()
/** What a delete did with each disk: removed, or left with the reason. */
export const KeptDiskReason = z.enum([
  /** A file Stacklab's lab records do not list as made by Stacklab. */
  'not-made-by-stacklab',
  /** A relative or otherwise unresolved path: never touched. */
  'unresolved-path',
  /** A block device, a directory, a network disk, an NVMe controller: not a file to remove. */
  'not-a-file',
  /** A CD-ROM, floppy or LUN: media, not the VM's own disk. */
  'not-a-disk',
  /** On a remote host: Stacklab removes files only on this machine. */
  'not-local',
  /** Removing it failed; the detail says why. */
  'failed',
])
export const DomainDeleteResult = z.object({
  removedDisks: z.array(z.string()),
  keptDisks: z.array(
    z.object({
      target: z.string(),
      source: z.string().nullable(),
      reason: KeptDiskReason,
      detail: z.string(),
    }),
  ),
})
export type DomainDeleteResult = z.infer<typeof DomainDeleteResult>
export const AutostartInput = z.object({ name: RefName, enabled: z.boolean() }).strict()
export const NetworkDhcpInput = z.object({ name: RefName, range: DhcpRange.nullable() }).strict()
export const NetworkHostInput = z.object({ name: RefName, host: StaticHost }).strict()
export const NetworkHostRemoveInput = z.object({ name: RefName, mac: Mac }).strict()
/**
 * A libvirt UUID: 32 hex digits in 8-4-4-4-12 groups. Not RFC 4122's variant rules: libvirt takes any value
 * (the test driver's own `test` domain has 6695eb01-f6a4-8304-79aa-97f2502e193f).
 */
export const LibvirtUuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a UUID')
/** The raw XML of one object, read-only, by its UUID (known even when its name or XML is not readable). */
export const UuidInput = z.object({ uuid: LibvirtUuid }).strict()
export const SnapshotXmlInput = z.object({ domain: RefName, name: RefName }).strict()
export const SnapshotCreateInput = z
  .object({
    domain: RefName,
    name: ResourceName,
    description: Description.default(''),
    kind: z.enum(['internal', 'external']).default('internal'),
  })
  .strict()
export const SnapshotRefInput = z.object({ domain: RefName, name: RefName }).strict()
export const SnapshotRevertInput = z
  .object({
    domain: RefName,
    name: RefName,
    state: z.enum(['as-taken', 'running', 'paused']).default('as-taken'),
  })
  .strict()
export const CheckpointScopeInput = z.object({ domains: z.array(RefName).min(1).max(64) }).strict()
export const CheckpointCreateInput = z
  .object({
    domains: z.array(RefName).min(1).max(64),
    name: ResourceName,
    description: Description.default(''),
  })
  .strict()
export const CheckpointRefInput = z
  .object({ domains: z.array(RefName).min(1).max(64), name: ResourceName })
  .strict()

export const ConnectionState = z.object({
  uri: z.string(),
  state: z.enum(['connecting', 'connected', 'lost']),
  detail: z.string(),
})
export type ConnectionState = z.infer<typeof ConnectionState>

/** Start or stop every VM of one lab: `start` starts shut-off VMs and resumes paused ones; `stop` shuts
 * them down (ACPI, forced off after `timeoutMs` as the single VM's Shut down does). */
export const LabPowerInput = z
  .object({
    name: ResourceName,
    action: z.enum(['start', 'stop']),
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(30 * 60_000)
      .default(120_000),
  })
  .strict()
export const LabPowerResult = z.object({
  nodes: z.array(
    z.object({
      node: z.string(),
      domain: z.string().nullable(),
      outcome: z.enum([
        'started',
        'resumed',
        'already-running',
        'shut-off',
        'forced-off',
        'already-off',
        'missing',
        'failed',
      ]),
      /** For `failed` and `missing`: why. */
      detail: z.string(),
    }),
  ),
})
export type LabPowerResult = z.infer<typeof LabPowerResult>

/** What the host offers its VMs: CPUs and memory from libvirt, free space where lab disks go. */
export const HostCapacity = z.object({
  uri: z.string(),
  /** `virsh nodeinfo`: logical CPUs, their model, total memory. */
  cpus: z.number().int().nullable(),
  cpuModel: z.string().nullable(),
  memoryKiB: z.number().nullable(),
  /** `virsh nodememstats` free (+ buffers and cache, as the kernel could give them back); null where the
   * driver does not report it. */
  memoryFreeKiB: z.number().nullable(),
  /** The images directory and the free bytes of its filesystem; null on a remote connection. */
  imagesDir: z.string().nullable(),
  diskFreeBytes: z.number().nullable(),
})
export type HostCapacity = z.infer<typeof HostCapacity>
