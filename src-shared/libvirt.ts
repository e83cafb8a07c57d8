// What the engine knows about libvirt objects (domains, networks, snapshots, lab checkpoints), and the
// inputs of the calls that change them. Read from libvirt's XML; never from virsh tables.
import { z } from 'zod'
import { Cidr, Hostname, Ipv4, Mac } from './ipv4'
import { Description, ResourceName } from './names'

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

export const DiskInfo = z.object({
  target: z.string(),
  device: z.string(),
  bus: z.string().nullable(),
  source: z.string().nullable(),
  format: z.string().nullable(),
})
export type DiskInfo = z.infer<typeof DiskInfo>

export const NicInfo = z.object({
  mac: z.string(),
  network: z.string().nullable(),
  model: z.string().nullable(),
  /** Addresses from the network's DHCP leases and static host entries. */
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
  /** Subnet in CIDR form and the host's address on it, when the network has an IPv4 address. */
  subnet: z.string().nullable(),
  gateway: z.string().nullable(),
  dhcpRanges: z.array(DhcpRange),
  staticHosts: z.array(z.object({ mac: z.string(), ip: z.string(), name: z.string().nullable() })),
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

// Inputs of calls.
const Named = z.object({ name: ResourceName }).strict()
export const DomainNameInput = Named
export const NetworkNameInput = Named
export const DomainShutdownInput = z
  .object({
    name: ResourceName,
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(30 * 60_000)
      .default(120_000),
    fallback: ShutdownFallback.default('force'),
  })
  .strict()
export const DomainDeleteInput = z.object({ name: ResourceName, withDisks: z.boolean() }).strict()
export const AutostartInput = z.object({ name: ResourceName, enabled: z.boolean() }).strict()
export const NetworkDhcpInput = z.object({ name: ResourceName, range: DhcpRange.nullable() }).strict()
export const NetworkHostInput = z.object({ name: ResourceName, host: StaticHost }).strict()
export const NetworkHostRemoveInput = z.object({ name: ResourceName, mac: Mac }).strict()
export const SnapshotCreateInput = z
  .object({
    domain: ResourceName,
    name: ResourceName,
    description: Description.default(''),
    kind: z.enum(['internal', 'external']).default('internal'),
  })
  .strict()
export const SnapshotRefInput = z.object({ domain: ResourceName, name: ResourceName }).strict()
export const SnapshotRevertInput = z
  .object({
    domain: ResourceName,
    name: ResourceName,
    state: z.enum(['as-taken', 'running', 'paused']).default('as-taken'),
  })
  .strict()
export const CheckpointScopeInput = z.object({ domains: z.array(ResourceName).min(1).max(64) }).strict()
export const CheckpointCreateInput = z
  .object({
    domains: z.array(ResourceName).min(1).max(64),
    name: ResourceName,
    description: Description.default(''),
  })
  .strict()
export const CheckpointRefInput = z
  .object({ domains: z.array(ResourceName).min(1).max(64), name: ResourceName })
  .strict()

export const ConnectionState = z.object({
  uri: z.string(),
  state: z.enum(['connecting', 'connected', 'lost']),
  detail: z.string(),
})
export type ConnectionState = z.infer<typeof ConnectionState>
