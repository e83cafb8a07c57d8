// A lab definition: what a user writes (YAML) or fills in (wizard), checked by one schema whose messages
// name the field. The default lab is the seeds' two-node lab.
import { z } from 'zod'
import { InstallState } from './install'
import { closedObject } from './closed-object'
import { Cidr, Hostname, Ipv4 } from './ipv4'
import { labNetworkIssues } from './lab-networks'
import { DnsDomain, HostLabel } from './host-names'
import { ResourceName } from './names'
import type { FactId } from './lifecycle'
import { CloudImage, type PublishedImage } from './cloud-image'

export const Role = z.enum(['controller', 'compute', 'network', 'storage'])
export type Role = z.infer<typeof Role>

/** Guest OS families Stacklab knows how to configure (network files, packstack preparation). */
export const OsFamily = z.enum(['rhel7', 'rhel8', 'rhel9', 'debian'])
export type OsFamily = z.infer<typeof OsFamily>

export interface Preset {
  id: string
  label: string
  /** virt-builder template name; null when virt-builder has none and a lab needs a cloud image (`image`). */
  template: string | null
  /** The cloud image its distribution publishes, offered as the lab's base instead of the template. */
  cloudImage?: PublishedImage
  osFamily: OsFamily
  /** OpenStack releases packstack supports on this OS, the recommended one first. */
  releases: string[]
  /** The OS is end of life: its repositories must point at the archive (vault.centos.org). */
  eol: boolean
  /** Kept so older courses can be followed, not recommended: the wizard and the CLI say so. */
  archived: boolean
  /** What choosing this OS means (src-shared/lifecycle.ts); a release's own facts are in RELEASES. */
  facts: FactId[]
  /**
   * How OpenStack goes on: packstack (RDO, the default) or the distribution's own packages, configured by
   * Stacklab stage by stage as seed 004 does by hand (install/debian).
   */
  installer?: Installer
  /** Not offered in the wizard, with the reason (lab files and the CLI can name it). */
  preview?: string
}

/** The controller's data disk in a new lab installed from distribution packages: Cinder's volume group. */
export const CINDER_DATA_DISK_GIB = 20

/** The two install methods: RDO's packstack, or the distribution's own OpenStack packages. */
export type Installer = 'packstack' | 'packages'

export function installerOf(preset: Pick<Preset, 'installer'>): Installer {
  return preset.installer ?? 'packstack'
}

/**
 * The guest OSes a lab can be built from: a virt-builder template, or a cloud image (a lab's `image`).
 * virt-builder's public templates stop at centosstream-9 (March 2022, core group only), so AlmaLinux 9 is
 * offered only from its GenericCloud image, and CentOS Stream 9 can use its current GenericCloud image too.
 * (These URLs are data: the machines Stacklab is tested on have no internet.)
 */
export const PRESETS: Preset[] = [
  {
    id: 'centos-stream-9',
    label: 'CentOS Stream 9 (current)',
    template: 'centosstream-9',
    osFamily: 'rhel9',
    // RDO's Cloud SIG on Stream 9; Epoxy is the last release RDO packages.
    releases: ['epoxy', 'dalmatian', 'caracal'],
    eol: false,
    archived: false,
    facts: ['stream9-end', 'rdo-last-release'],
    cloudImage: {
      url: 'https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2',
      checksumUrl:
        'https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2.SHA256SUM',
      label: 'CentOS Stream 9 GenericCloud (latest, published by CentOS)',
    },
  },
  {
    id: 'almalinux-9',
    label: 'AlmaLinux 9 (current, from its cloud image)',
    template: null,
    osFamily: 'rhel9',
    // AlmaLinux 9 Extras carries centos-release-openstack-{yoga … epoxy}; Epoxy is the last RDO packages.
    releases: ['epoxy', 'dalmatian', 'caracal'],
    eol: false,
    archived: false,
    facts: ['alma9-cloud', 'rdo-last-release'],
    cloudImage: {
      url: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2',
      checksumUrl: 'https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM',
      label: 'AlmaLinux 9 GenericCloud (latest, published by AlmaLinux)',
    },
  },
  {
    id: 'centos-7.9',
    label: 'CentOS 7.9 (archived, end of life 2024-06-30)',
    template: 'centos-7.8',
    osFamily: 'rhel7',
    releases: ['train', 'stein', 'rocky', 'queens', 'pike'],
    eol: true,
    archived: true,
    facts: ['centos7-eol'],
  },
  {
    id: 'centos-stream-8',
    label: 'CentOS Stream 8 (archived, end of life 2024-05-31)',
    template: 'centosstream-8',
    osFamily: 'rhel8',
    releases: ['yoga', 'xena', 'wallaby', 'victoria', 'ussuri'],
    eol: true,
    archived: true,
    facts: ['stream8-eol'],
  },
  // Debian's own OpenStack: bookworm ships Zed (2022.2) and Debian keeps it patched for the release's life.
  // virt-builder's public debian-12 template; installed from Debian's mirrors (or the lab's own mirror).
  {
    id: 'debian-12',
    label: "Debian 12 (bookworm), OpenStack from Debian's packages",
    template: 'debian-12',
    osFamily: 'debian',
    releases: ['zed'],
    eol: false,
    archived: false,
    facts: [],
    installer: 'packages',
  },
  // The offline test templates (test/lab/template): Debian with packstack/openstack test doubles, and
  // Debian with the real OpenStack packages installed but not configured.
  {
    id: 'debian-12-openstack',
    label: 'Debian 12 test template with OpenStack Zed packages (offline)',
    template: 'debian-12-openstack',
    osFamily: 'debian',
    releases: ['zed'],
    eol: false,
    archived: false,
    facts: [],
    installer: 'packages',
    preview:
      'the test template of npm run test:openstack (its packages preinstalled offline); a lab to learn on uses debian-12',
  },
  {
    id: 'debian-12-stacklab',
    label: 'Debian 12 test template (offline, packstack test double)',
    template: 'debian-12-stacklab',
    osFamily: 'debian',
    releases: ['test'],
    eol: false,
    archived: false,
    facts: [],
  },
]

/** The preset new labs start from: the current OS with the newest release RDO packages. */
export const DEFAULT_PRESET = 'centos-stream-9'

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id)
}

/** Smallest memory per role that makes sense; packstack's all-in-one controller needs the most. */
export const MIN_MEMORY_MIB: Record<Role, number> = {
  controller: 4096,
  compute: 1024,
  network: 1024,
  storage: 1024,
}

/**
 * The layouts the installer serves (see install/install.ts and packstack/check.ts): exactly one controller;
 * compute and network nodes as many as wanted (none: the controller is also the compute and network node).
 * Packstack has no storage hosts (Cinder and Swift go on the controller), so a storage node would get nothing.
 */
export const SUPPORTED_ROLES: readonly Role[] = ['controller', 'compute', 'network']

const nodeFields = {
  role: Role,
  vcpus: z.number().int().min(1).max(64),
  memoryMiB: z
    .number()
    .int()
    .min(512)
    .max(512 * 1024),
  diskGiB: z.number().int().min(4).max(4096),
  /**
   * A second, empty disk (vdb), thin like the first: the distribution-packages installer puts Cinder's LVM
   * volume group on the controller's (seed 004's /dev/sdb). None when absent.
   */
  dataDiskGiB: z.number().int().min(1).max(4096).optional(),
}
const networkMode = z.enum(['nat', 'isolated'])

export const NicDef = closedObject({
  network: ResourceName,
  ip: Ipv4,
})

export type NicDef = z.infer<typeof NicDef>

/** A list with at least one item, as its type says: `list[0]` needs no check. */
export type NonEmpty<T> = [T, ...T[]]

function isNonEmpty<T>(list: T[]): list is NonEmpty<T> {
  return list.length > 0
}

/**
 * A node's NICs: at least one (the schema refuses none, with the array's own message), typed so. The input
 * stays a plain array (a draft in the wizard may have none yet); what the schema hands back is non-empty.
 */
function nicList<T extends z.ZodType>(nic: T, max?: number) {
  const list = z.array(nic).min(1)
  return (max === undefined ? list : list.max(max)).transform((nics, ctx) => {
    if (isNonEmpty(nics)) return nics
    ctx.addIssue({ code: 'custom', message: 'a node needs at least one NIC' }) // never reached after min(1)
    return z.NEVER
  })
}

export const NodeDef = closedObject({
  /** Its host name too (`controller.example.com`), and part of its VM's name (`lab1-controller`). */
  name: HostLabel,
  ...nodeFields,
  nics: nicList(NicDef, 4),
})
export type NodeDef = z.infer<typeof NodeDef>

/**
 * A node's address: its first NIC's fixed one (the NAT network's in every lab Stacklab suggests), where
 * Stacklab and packstack reach it over SSH and what /etc/hosts names it by.
 */
export function nodeAddress(node: { nics: NonEmpty<{ ip: string }> }): string {
  return node.nics[0].ip
}

export const NetworkDef = closedObject({
  name: ResourceName,
  /** nat: a NAT network of the host (like `default`), used as it is; isolated: an internal network Stacklab creates. */
  mode: networkMode,
  subnet: Cidr,
  gateway: Ipv4.optional(),
  dhcp: closedObject({ start: Ipv4, end: Ipv4 }).optional(),
})
export type NetworkDef = z.infer<typeof NetworkDef>

const packstackDefault = { provisionDemo: false, ntpServers: [], install: {} }
const NtpServers = z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or address')).default([])
const InstallChoice = { cinder: z.boolean(), swift: z.boolean(), heat: z.boolean(), horizon: z.boolean() }

/**
 * A URL apt may be given (a package proxy or mirror): http or https, a host name or address, an optional port
 * and path. No user name or password, no spaces, quotes or semicolons: it goes into apt's configuration.
 */
const AptUrl = z
  .string()
  .max(200)
  .regex(
    /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[A-Za-z0-9._~/-]*)?$/,
    'must be an http:// or https:// URL: a host, an optional port and path (no user name, password, spaces or quotes)',
  )

/**
 * Where the distribution-packages installer gets its packages: the distribution's mirrors over the NAT
 * network by default; a package cache (apt-cacher-ng on the host) or a classroom's mirror instead, so a retry
 * or a second lab does not download everything again.
 */
export const PackageSource = closedObject({
  /** An HTTP proxy that caches packages, e.g. apt-cacher-ng on the host: http://192.168.122.1:3142. */
  proxy: AptUrl.optional(),
  /** A Debian mirror used instead of deb.debian.org, e.g. http://mirror.example.edu/debian. */
  mirror: AptUrl.optional(),
})
export type PackageSource = z.infer<typeof PackageSource>

export const LabDefinition = closedObject({
  name: ResourceName,
  preset: z.string(),
  release: z.string(),
  domain: DnsDomain,
  /** A cloud image as the base instead of the preset's template (the preset still says the OS family). */
  image: CloudImage.optional(),
  networks: z.array(NetworkDef).min(1).max(8),
  nodes: z.array(NodeDef).min(1).max(16),
  packstack: closedObject({
    provisionDemo: z.boolean().default(false),
    ntpServers: NtpServers,
    install: closedObject(InstallChoice).partial().default({}),
  }).default(packstackDefault),
  /** The distribution-packages installer's package source (a packstack lab refuses it). */
  packages: PackageSource.optional(),
}).superRefine((lab, ctx) => {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message })
  const preset = PRESETS.find((p) => p.id === lab.preset)
  if (!preset)
    issue(['preset'], `unknown template preset ${lab.preset}; known: ${PRESETS.map((p) => p.id).join(', ')}`)
  else if (!preset.releases.includes(lab.release))
    issue(
      ['release'],
      `${lab.release} is not a release ${installerOf(preset) === 'packstack' ? 'packstack supports' : 'the distribution packages'} on ${preset.label}; choose one of ${preset.releases.join(', ')}`,
    )
  if (preset && preset.template === null && !lab.image)
    issue(
      ['image'],
      `${preset.label} has no virt-builder template: give a cloud image (image.url with image.sha256 or image.checksumUrl)${preset.cloudImage ? `, e.g. url ${preset.cloudImage.url} and checksumUrl ${preset.cloudImage.checksumUrl}` : ''}`,
    )

  if (preset && lab.packages && installerOf(preset) !== 'packages')
    issue(
      ['packages'],
      `${preset.label} installs OpenStack with packstack: a package proxy or mirror is for the distribution-packages installer (a Debian preset)`,
    )

  for (const found of labNetworkIssues(lab)) issue(found.path, found.message)

  const names = new Set<string>()
  let controller: string | null = null
  if (!lab.nodes.some((n) => n.role === 'controller')) issue(['nodes'], 'a lab needs a controller node')
  lab.nodes.forEach((node, i) => {
    if (names.has(node.name)) issue(['nodes', i, 'name'], `node ${node.name} is defined twice`)
    names.add(node.name)
    // Its VM is `lab-node`: a name every libvirt call of Stacklab accepts.
    const vm = nodeDomainName(lab.name, node.name)
    if (vm.length > 63)
      issue(
        ['nodes', i, 'name'],
        `the VM name ${vm} would be longer than 63 characters: shorten the lab or node name`,
      )
    if (`${node.name}.${lab.domain}`.length > 253)
      issue(['nodes', i, 'name'], `the host name ${node.name}.${lab.domain} is longer than 253 characters`)
    if (node.role === 'controller') {
      if (controller !== null)
        issue(
          ['nodes', i, 'role'],
          `a lab has one controller (${controller}): packstack installs the control plane on one host; make ${node.name} a compute or network node`,
        )
      else controller = node.name
    } else if (!SUPPORTED_ROLES.includes(node.role)) {
      issue(
        ['nodes', i, 'role'],
        `the installer has no ${node.role} hosts (packstack puts Cinder and Swift on the controller): choose ${SUPPORTED_ROLES.join(', ')}`,
      )
    }
    if (node.memoryMiB < MIN_MEMORY_MIB[node.role]) {
      issue(
        ['nodes', i, 'memoryMiB'],
        `${node.memoryMiB} MiB is too little for a ${node.role}: at least ${MIN_MEMORY_MIB[node.role]} MiB`,
      )
    }
  })
})
export type LabDefinition = z.infer<typeof LabDefinition>
export type LabDefinitionInput = z.input<typeof LabDefinition>

/**
 * The seeds' lab: controller .100 and compute .110 on the NAT network and on an internal network, on the
 * current OS and release (DEFAULT_PRESET and its first release) unless a preset is named.
 */
export function defaultLab(name = 'lab1', presetId = DEFAULT_PRESET, release?: string): LabDefinitionInput {
  const preset = presetById(presetId)
  const image =
    preset?.template === null && preset.cloudImage
      ? { image: { url: preset.cloudImage.url, checksumUrl: preset.cloudImage.checksumUrl } }
      : {}
  return {
    name,
    preset: presetId,
    release: release ?? preset?.releases[0] ?? '',
    domain: 'example.com',
    ...image,
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
        // Cinder's LVM volume group, where the installer makes one (packstack uses a loop file instead).
        ...(preset && installerOf(preset) === 'packages' ? { dataDiskGiB: CINDER_DATA_DISK_GIB } : {}),
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

/** A lab node's data disk beside it (a node name has no dot, so no node's own disk is named so). */
export function nodeDataDiskFile(imagesDir: string, lab: string, node: string): string {
  return nodeDiskFile(imagesDir, lab, node).replace(/\.qcow2$/, '.data.qcow2')
}

/**
 * The cached base image of a template (shared by every lab), in the images directory: one per template, at
 * the template's own size; each node's overlay has its own size and grows its root at customisation. A size
 * is named only for templates whose root cannot grow in place (LVM): virt-builder expands those.
 */
export const BASE_IMAGE_DIR = 'stacklab-base'
export function baseImageName(template: string, sizeGiB?: number): string {
  return sizeGiB === undefined ? `${template}.qcow2` : `${template}-${sizeGiB}G.qcow2`
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

/**
 * A definition as a lab's state file keeps it: written by Stacklab from a checked definition, and read with
 * the field rules it was checked with then, so a lab made before a rule was added still loads (and can be
 * deleted). New definitions go through LabDefinition.
 */
const StoredLabDefinition = z.object({
  name: ResourceName,
  preset: z.string(),
  release: z.string(),
  domain: Hostname,
  image: z
    .object({ url: z.string(), sha256: z.string().optional(), checksumUrl: z.string().optional() })
    .optional(),
  networks: z.array(
    z.object({
      name: ResourceName,
      mode: networkMode,
      subnet: Cidr,
      gateway: Ipv4.optional(),
      dhcp: z.object({ start: Ipv4, end: Ipv4 }).optional(),
    }),
  ),
  nodes: z.array(
    z.object({
      name: ResourceName,
      ...nodeFields,
      // At least one, as every definition since the first version had (NodeDef's rule).
      nics: nicList(z.object({ network: ResourceName, ip: Ipv4 })),
    }),
  ),
  packstack: z
    .object({
      provisionDemo: z.boolean().default(false),
      ntpServers: NtpServers,
      install: z.object(InstallChoice).partial().default({}),
    })
    .default(packstackDefault),
})

export const LabState = z.object({
  version: z.literal(1),
  definition: StoredLabDefinition,
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
  /**
   * The cloud image's SHA-256 as found when the lab was made (a checksum file's "latest" entry moves on):
   * every node of the lab, also one added later, is built on this same image.
   */
  baseImage: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
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
