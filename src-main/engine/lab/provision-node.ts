// One lab node from nothing to answering SSH: cached base image, copy-on-write disk, customisation (name,
// addresses, keys, host keys Stacklab made, fresh machine-id), VM definition, boot, SSH with the pinned key.
// Each step is reported; the lab pipeline strings these together with state, resume and rollback.
import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LabDefinition, NodeDef, Preset } from '../../../src-shared/lab'
import {
  BASE_IMAGE_DIR,
  nodeAddress,
  nodeDataDiskFile,
  nodeDiskFile,
  nodeDomainName,
} from '../../../src-shared/lab'
import type { Run } from '../exec'
import { domainDefine, domainStart } from '../libvirt/domain'
import { domainXml } from '../libvirt/domain-xml'
import type { Virsh } from '../libvirt/virsh'
import { customizeCommands, guestFiles } from '../provision/guest-config'
import {
  createBlankDisk,
  createOverlay,
  customizeDisk,
  ensureBaseImage,
  type TemplateSource,
} from '../provision/image'
import { ensureCloudBase } from '../provision/cloud-image'
import { DownloadError } from '../provision/download'
import { fileNameOf, type CloudImage } from '../../../src-shared/cloud-image'
import { generateKey, type KeyPair } from '../provision/keys'
import { exists } from '../provision/image'
import {
  baseLayout,
  canGrow,
  customizeDisksTogether,
  MAX_DISKS_PER_APPLIANCE,
  type BaseLayout,
} from '../provision/guestfish'
import { PipelineError } from './env'
import { registerSecret } from '../secrets'
import { HOST_KEY_NAME, LOGIN_KEY_NAME, type LabFiles } from './files'
import { waitForSsh } from '../ssh/client'
import type { Client } from 'ssh2'

export interface NodeContext {
  run: Run
  virsh: Virsh
  lab: LabDefinition
  preset: Preset
  virtType: 'kvm' | 'qemu'
  /** Lab disks and the base image cache live here (readable by the hypervisor). */
  imagesDir: string
  /** The lab's private files: keys, password file (0700). */
  files: LabFiles
  source: TemplateSource
  /** The lab's cloud image SHA-256 as resolved when the lab was made (state.baseImage), if it has one. */
  imageSha256?: string | undefined
  signal?: AbortSignal
  /** `tick`: frequent progress (download byte counts) that need not go to the job's log. */
  onStep?: (node: string, step: string, tick?: boolean) => void
}

export interface ProvisionedNode {
  domain: string
  disk: string
  macs: string[]
  address: string
  hostKey: KeyPair
  loginKey: KeyPair
}

/** Stable MACs in QEMU's 52:54:00 range, derived from lab, node and NIC, so a rebuild gets the same ones. */
export function macFor(lab: string, node: string, nic: number): string {
  const h = createHash('sha256').update(`${lab}/${node}/${nic}`).digest()
  return `52:54:00:${[h[0]!, h[1]!, h[2]!].map((b) => b.toString(16).padStart(2, '0')).join(':')}`
}

export function domainName(lab: LabDefinition, node: NodeDef): string {
  return nodeDomainName(lab.name, node.name)
}

export async function labLoginKey(ctx: Pick<NodeContext, 'run' | 'files' | 'lab'>): Promise<KeyPair> {
  const { files } = ctx
  if (await exists(files.loginKey)) {
    const { stdout } = await ctx.run('ssh-keygen', ['-l', '-E', 'sha256', '-f', files.loginKeyPub])
    return {
      private: files.loginKey,
      public: files.loginKeyPub,
      type: 'ed25519',
      fingerprint: stdout.split(' ')[1] ?? '',
    }
  }
  return generateKey(ctx.run, files.sshDir, LOGIN_KEY_NAME, `stacklab-${ctx.lab.name}`)
}

/** The root password, kept in a 0600 file (the tools read it from there, never from argv). */
export async function rootPasswordFile(files: LabFiles, password: string): Promise<string> {
  registerSecret(password)
  await mkdir(files.secretsDir, { recursive: true, mode: 0o700 })
  await writeFile(files.rootPassword, password, { mode: 0o600 })
  return files.rootPassword
}

const GiB = 1024 ** 3

export interface NodeBase {
  path: string
  layout: BaseLayout
}

/**
 * The cached base image for this node: one per template, whatever the node's disk size (its overlay has
 * its own size and the root grows at customisation). Only a template whose root cannot grow in place (LVM,
 * root not the last partition) gets a base of the node's size, expanded by virt-builder as before.
 */
export async function nodeBase(ctx: NodeContext, node: NodeDef): Promise<NodeBase> {
  if (ctx.lab.image) return cloudBase(ctx, node, ctx.lab.image)
  const signal = ctx.signal ? { signal: ctx.signal } : {}
  const template = ctx.preset.template
  if (template === null)
    throw new PipelineError(
      `${ctx.preset.label} has no virt-builder template: the lab needs a cloud image`,
      'Give the lab an image (url with sha256 or checksumUrl)',
      { reason: 'cloud-image', problem: 'no template' },
    )
  const build = async (sizeGiB?: number): Promise<NodeBase> => {
    const base = await ensureBaseImage(ctx.run, {
      template,
      ...(sizeGiB === undefined ? {} : { sizeGiB }),
      cacheDir: join(ctx.imagesDir, BASE_IMAGE_DIR),
      source: ctx.source,
      virtType: ctx.virtType,
      ...signal,
      onStep: (s) => ctx.onStep?.(node.name, `base image: ${s}`),
    })
    return {
      path: base.path,
      layout: await baseLayout(ctx.run, base.path, { virtType: ctx.virtType, ...signal }),
    }
  }
  const shared = await build()
  checkFits(node, shared, template)
  if (node.diskGiB * GiB === shared.layout.bytes || canGrow(shared.layout)) return shared
  return build(node.diskGiB)
}

function checkFits(node: NodeDef, base: NodeBase, what: string): void {
  if (node.diskGiB * GiB >= base.layout.bytes) return
  const needed = Math.ceil(base.layout.bytes / GiB)
  throw new PipelineError(
    `${node.name}: a ${node.diskGiB} GiB disk is smaller than the template ${what} (${needed} GiB)`,
    `Give ${node.name} a disk of at least ${needed} GiB in the lab definition, then create it again`,
    { reason: 'disk-too-small', node: node.name, size: node.diskGiB, template: what, needed },
  )
}

/**
 * The base made from the lab's cloud image (one per image, whatever the node sizes). Its root grows per
 * node like a template's; an image whose root cannot grow in place (LVM, root not last) is used at its own
 * root size, and the step says so.
 */
async function cloudBase(ctx: NodeContext, node: NodeDef, image: CloudImage): Promise<NodeBase> {
  const signal = ctx.signal ? { signal: ctx.signal } : {}
  let path: string
  try {
    ;({ path } = await ensureCloudBase(ctx.run, {
      image,
      sha256: ctx.imageSha256,
      cacheDir: join(ctx.imagesDir, BASE_IMAGE_DIR),
      ...signal,
      onStep: (s, tick) => ctx.onStep?.(node.name, `base image: ${s}`, tick),
    }))
  } catch (error) {
    if (error instanceof DownloadError)
      throw new PipelineError(error.message, error.fix || undefined, {
        reason: 'cloud-image',
        problem: error.message,
      })
    throw error
  }
  const base = { path, layout: await baseLayout(ctx.run, path, { virtType: ctx.virtType, ...signal }) }
  checkFits(node, base, fileNameOf(image.url))
  if (node.diskGiB * GiB > base.layout.bytes && !canGrow(base.layout))
    ctx.onStep?.(
      node.name,
      `base image: its root cannot grow in place (not a plain last partition with ext4 or XFS): the disk is ${node.diskGiB} GiB, the root file system keeps the image's size`,
    )
  return base
}

/** The disk size a node's overlay grows its root to, when that is more than its base has. */
function growTo(node: NodeDef, base: NodeBase): number | undefined {
  const bytes = node.diskGiB * GiB
  return bytes > base.layout.bytes ? bytes : undefined
}

export function nodeDiskPath(ctx: Pick<NodeContext, 'imagesDir' | 'lab'>, node: NodeDef): string {
  return nodeDiskFile(ctx.imagesDir, ctx.lab.name, node.name)
}

/** The serial of a node's data disk, which the guest names it by. */
export const DATA_DISK_SERIAL = 'stacklab-data'

/** The node's data disk (vdb), or null when its definition asks for none. */
export function nodeDataDiskPath(ctx: Pick<NodeContext, 'imagesDir' | 'lab'>, node: NodeDef): string | null {
  return node.dataDiskGiB ? nodeDataDiskFile(ctx.imagesDir, ctx.lab.name, node.name) : null
}

export interface PreparedNode {
  node: NodeDef
  hostKey: KeyPair
  loginKey: KeyPair
  macs: string[]
  /** virt-customize command lines that make this node's disk. */
  commands: string[]
  /** Private scratch files the commands read (0700); removed once applied. */
  work: string
}

/** Make the node's keys and files and the commands that put them on its disk (nothing touches the disk). */
export async function nodePrepare(
  ctx: NodeContext,
  node: NodeDef,
  passwordFile: string,
): Promise<PreparedNode> {
  const macs = node.nics.map((_, i) => macFor(ctx.lab.name, node.name, i))
  const loginKey = await labLoginKey(ctx)
  const keyDir = ctx.files.hostKeyDir(node.name)
  await rm(keyDir, { recursive: true, force: true }) // a re-run makes a fresh key and records it again
  const hostKey = await generateKey(ctx.run, keyDir, HOST_KEY_NAME, `${node.name}.${ctx.lab.domain}`)
  const work = ctx.files.workDir(node.name)
  await mkdir(work, { recursive: true, mode: 0o700 })
  const uploads = new Map<string, string>()
  let i = 0
  for (const [guestPath, content] of guestFiles(ctx.lab, node, ctx.preset.osFamily, macs)) {
    const local = join(work, `file-${i++}`)
    await writeFile(local, content, { mode: 0o600 })
    uploads.set(guestPath, local)
  }
  const commands = customizeCommands({
    lab: ctx.lab,
    node,
    family: ctx.preset.osFamily,
    eol: ctx.preset.eol,
    uploads,
    authorizedKeyFile: loginKey.public,
    hostKeyFiles: [hostKey],
    passwordFile,
    cloudImage: ctx.lab.image !== undefined,
  })
  return { node, hostKey, loginKey, macs, commands, work }
}

/** Write the node's files and keys, and apply them to its disk (growing its root) in one appliance. */
export async function nodeCustomize(
  ctx: NodeContext,
  node: NodeDef,
  passwordFile: string,
): Promise<PreparedNode> {
  let done: PreparedNode | undefined
  await nodesCustomize(ctx, [node], passwordFile, (p) => {
    done = p
    return Promise.resolve()
  })
  if (!done) throw new Error(`${node.name} was not customised`)
  return done
}

/**
 * Customise several nodes' disks. Nodes on a base whose root is a plain partition share one libguestfs
 * appliance (guestfish.ts): the appliance boot is paid once, not once per node. Others get virt-customize
 * each. `onDone` hears every node as soon as its disk is finished.
 */
export async function nodesCustomize(
  ctx: NodeContext,
  nodes: NodeDef[],
  passwordFile: string,
  onDone: (prepared: PreparedNode) => Promise<void>,
): Promise<void> {
  await labLoginKey(ctx) // made once, before the nodes would race to create it
  const prepared: PreparedNode[] = []
  for (const node of nodes) prepared.push(await nodePrepare(ctx, node, passwordFile))
  const byBase = new Map<string, { base: NodeBase; group: PreparedNode[] }>()
  for (const p of prepared) {
    const base = await nodeBase(ctx, p.node)
    const entry = byBase.get(base.path) ?? { base, group: [] }
    entry.group.push(p)
    byBase.set(base.path, entry)
  }
  const signal = ctx.signal ? { signal: ctx.signal } : {}
  for (const { base, group } of byBase.values()) {
    if (base.layout.root === null) {
      for (const p of group) {
        ctx.onStep?.(p.node.name, 'customisation')
        await customizeDisk(ctx.run, nodeDiskPath(ctx, p.node), p.commands, {
          workDir: p.work,
          virtType: ctx.virtType,
          ...signal,
        })
        await onDone(p)
      }
      continue
    }
    for (let i = 0; i < group.length; i += MAX_DISKS_PER_APPLIANCE) {
      const chunk = group.slice(i, i + MAX_DISKS_PER_APPLIANCE)
      const done: Promise<void>[] = []
      await customizeDisksTogether(
        ctx.run,
        chunk.map((p) => ({
          label: p.node.name,
          path: nodeDiskPath(ctx, p.node),
          commands: p.commands,
          growToBytes: growTo(p.node, base),
        })),
        {
          layout: base.layout,
          workDir: ctx.files.dir,
          virtType: ctx.virtType,
          ...signal,
          onDone: (label) => {
            ctx.onStep?.(label, 'customised')
            const p = chunk.find((c) => c.node.name === label)
            if (p) done.push(onDone(p))
          },
        },
      )
      await Promise.all(done)
    }
  }
  for (const p of prepared) await rm(p.work, { recursive: true, force: true })
}

export async function nodeDefine(ctx: NodeContext, node: NodeDef, macs: string[]): Promise<string> {
  const domain = domainName(ctx.lab, node)
  const data = nodeDataDiskPath(ctx, node)
  await domainDefine(
    ctx.virsh,
    domainXml({
      name: domain,
      type: ctx.virtType,
      vcpus: node.vcpus,
      memoryMiB: node.memoryMiB,
      disks: [
        { path: nodeDiskPath(ctx, node), format: 'qcow2', target: 'vda' },
        // The guest finds it as /dev/disk/by-id/virtio-stacklab-data (install/debian/stages-storage.ts).
        ...(data ? [{ path: data, format: 'qcow2' as const, target: 'vdb', serial: DATA_DISK_SERIAL }] : []),
      ],
      nics: node.nics.map((n, j) => ({ network: n.network, mac: macs[j]! })),
      description: `Stacklab lab ${ctx.lab.name}, node ${node.name} (${node.role})`,
    }),
  )
  return domain
}

/** All steps for one node in a row (the lab pipeline runs them step by step across nodes instead). */
export async function provisionNode(
  ctx: NodeContext,
  node: NodeDef,
  passwordFile: string,
): Promise<ProvisionedNode> {
  const step = (s: string) => ctx.onStep?.(node.name, s)
  step('base image')
  const base = await nodeBase(ctx, node)
  step('node disk')
  const disk = nodeDiskPath(ctx, node)
  await createOverlay(ctx.run, base.path, disk, node.diskGiB)
  const data = nodeDataDiskPath(ctx, node)
  if (data) await createBlankDisk(ctx.run, data, node.dataDiskGiB!)
  step('customisation')
  const { hostKey, loginKey, macs } = await nodeCustomize(ctx, node, passwordFile)
  step('VM definition')
  const domain = await nodeDefine(ctx, node, macs)
  step('boot')
  await domainStart(ctx.virsh, domain)
  return { domain, disk, macs, address: nodeAddress(node), hostKey, loginKey }
}

/** Wait for a booted node to answer SSH on its fixed address with the host key Stacklab made for it. */
export async function nodeReachable(
  node: ProvisionedNode,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<Client> {
  return waitForSsh(
    {
      host: node.address,
      username: 'root',
      privateKey: await readFile(node.loginKey.private),
      fingerprint: node.hostKey.fingerprint,
    },
    { timeoutMs: options.timeoutMs, intervalMs: 3000, ...(options.signal ? { signal: options.signal } : {}) },
  )
}
