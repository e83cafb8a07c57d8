// The lab wizard's draft (kept while the user visits other pages) and the edits it offers: rename the lab
// (its own internal network follows), change preset, add or remove a compute node, move an internal
// subnet (node addresses on it keep their host part), rename a network. Checking is the engine's schema
// and the engine's rules against the host (src-shared/lab-host.ts), not a copy.
import { create } from 'zustand'
import { stringify as stringifyYaml } from 'yaml'
import {
  CINDER_DATA_DISK_GIB,
  LabDefinition,
  MIN_MEMORY_MIB,
  PRESETS,
  defaultLab,
  installerOf,
  type LabDefinitionInput,
} from '../../../src-shared/lab'
import { formatIpv4, inSubnet, parseCidr, parseIpv4 } from '../../../src-shared/ipv4'
import { labNetworkWarnings, type LabNetworksInput } from '../../../src-shared/lab-networks'
import { labHostIssues, labHostProposals, type HostView } from '../../../src-shared/lab-host'
import { YamlRefused, describeProblem, parseUserYaml } from '../../../src-shared/user-yaml'

export type Draft = LabDefinitionInput
type NodeInput = Draft['nodes'][number]

/** Problems by field: `nodes-0-memoryMiB` (the zod path joined by dashes; `lab` for the whole lab). */
export type FieldIssues = Record<string, string[]>

export function fieldKey(path: readonly PropertyKey[] | string): string {
  const parts = typeof path === 'string' ? path.split('.').filter(Boolean) : path.map(String)
  // The engine's replies name the input (`definition.name`); the wizard's fields are the definition's.
  if (parts[0] === 'definition') parts.shift()
  return parts.length && parts[0] !== '(input)' ? parts.join('-') : 'lab'
}

export function check(draft: Draft): FieldIssues {
  const result = LabDefinition.safeParse(draft)
  const found: FieldIssues = {}
  if (result.success) return found
  for (const issue of result.error.issues) (found[fieldKey(issue.path)] ??= []).push(issue.message)
  return found
}

/** What works but is likely not meant (the engine's own warnings), by field, for a valid draft. */
export function warningsOf(draft: Draft): FieldIssues {
  const result = LabDefinition.safeParse(draft)
  const found: FieldIssues = {}
  if (!result.success) return found
  for (const w of labNetworkWarnings(result.data)) (found[fieldKey(w.path)] ??= []).push(w.message)
  return found
}

/** Host clashes by field and the free value offered for each (keys as in FieldIssues). */
export interface HostCheck {
  issues: FieldIssues
  proposals: Record<string, string>
}

/**
 * The draft's shape as the host rules read it, or null while it is not that shape (a YAML file can hold
 * anything; the schema's own problems are shown then, and the host is checked once they are fixed).
 */
function hostShape(draft: Draft): LabNetworksInput | null {
  const d = draft as unknown as Record<string, unknown>
  const str = (v: unknown) => typeof v === 'string'
  const obj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)
  if (!str(d['name']) || !Array.isArray(d['networks']) || !Array.isArray(d['nodes'])) return null
  const netsOk = (d['networks'] as unknown[]).every(
    (n) => obj(n) && str(n['name']) && str(n['subnet']) && str(n['mode']),
  )
  const nodesOk = (d['nodes'] as unknown[]).every(
    (n) =>
      obj(n) &&
      str(n['name']) &&
      Array.isArray(n['nics']) &&
      (n['nics'] as unknown[]).every((c) => obj(c) && str(c['network']) && str(c['ip'])),
  )
  return netsOk && nodesOk ? draft : null
}

/** The draft against the host (its networks, VMs and labs), with the engine's create rules. */
export function checkHost(draft: Draft, host: HostView): HostCheck {
  const lab = hostShape(draft)
  if (!lab) return { issues: {}, proposals: {} }
  const found = labHostIssues(lab, host)
  const issues: FieldIssues = {}
  for (const i of found) (issues[fieldKey(i.path)] ??= []).push(i.message)
  const proposals: Record<string, string> = {}
  for (const [path, value] of Object.entries(labHostProposals(lab, host, found)))
    proposals[fieldKey(path)] = value
  return { issues, proposals }
}

function renameLab(draft: Draft, name: string): Draft {
  const oldNet = `${draft.name}-int`
  const newNet = `${name}-int`
  if (!draft.networks.some((n) => n.name === oldNet) || draft.networks.some((n) => n.name === newNet))
    return { ...draft, name }
  return {
    ...draft,
    name,
    networks: draft.networks.map((n) => (n.name === oldNet ? { ...n, name: newNet } : n)),
    nodes: draft.nodes.map((node) => ({
      ...node,
      nics: node.nics.map((nic) => (nic.network === oldNet ? { ...nic, network: newNet } : nic)),
    })),
  }
}

/** A free address on `network` for a new node: the first of .110, .111 ... not used yet. */
function freeAddress(draft: Draft, network: string): string {
  const net = draft.networks.find((n) => n.name === network)
  const subnet = net ? parseCidr(net.subnet) : null
  if (!subnet) return ''
  const used = new Set(draft.nodes.flatMap((n) => n.nics.map((nic) => nic.ip)))
  for (let host = 110; host < 250; host++) {
    const ip = formatIpv4(subnet.base + host)
    if (inSubnet(subnet, subnet.base + host) && !used.has(ip)) return ip
  }
  return ''
}

function nextComputeName(draft: Draft): string {
  const names = new Set(draft.nodes.map((n) => n.name))
  for (let i = 2; ; i++) if (!names.has(`compute${i}`)) return `compute${i}`
}

interface WizardState {
  draft: Draft
  setDraft: (draft: Draft) => void
  reset: () => void
  setName: (name: string) => void
  setPreset: (preset: string) => void
  /** The lab's base: the preset's template (undefined) or a cloud image; '' fields are dropped. */
  setImage: (
    image: { url: string; sha256?: string | undefined; checksumUrl?: string | undefined } | undefined,
  ) => void
  setNode: (index: number, patch: Partial<NodeInput>) => void
  setNic: (node: number, nic: number, patch: Partial<NodeInput['nics'][number]>) => void
  addCompute: () => void
  removeNode: (index: number) => void
  setSubnet: (index: number, subnet: string) => void
  /** Rename a network; the nodes' NICs on it follow. */
  renameNetwork: (index: number, name: string) => void
  toYaml: () => string
  /** Replace the draft with a YAML definition; returns an error message when it is not YAML at all. */
  fromYaml: (text: string) => string | null
}

export const useWizard = create<WizardState>()((set, get) => ({
  draft: defaultLab('lab1'),
  setDraft: (draft) => set({ draft }),
  reset: () => set({ draft: defaultLab('lab1') }),
  setName: (name) => set((s) => ({ draft: renameLab(s.draft, name) })),
  setPreset: (preset) =>
    set((s) => {
      const p = PRESETS.find((x) => x.id === preset)
      const before = PRESETS.find((x) => x.id === s.draft.preset) ?? {}
      const release = p && !p.releases.includes(s.draft.release) ? p.releases[0]! : s.draft.release
      const draft: Draft = { ...s.draft, preset, release }
      // A preset with no template starts from its published cloud image; an image published for another
      // preset's OS is not carried over.
      const published = PRESETS.flatMap((x) => (x.cloudImage ? [x.cloudImage.url] : []))
      if (draft.image && published.includes(draft.image.url) && draft.image.url !== p?.cloudImage?.url)
        delete draft.image
      if (p?.template === null && !draft.image && p.cloudImage)
        draft.image = { url: p.cloudImage.url, checksumUrl: p.cloudImage.checksumUrl }
      // Installed from distribution packages, Cinder's volume group wants the controller's data disk: a
      // controller without one gets the new lab's default (one the learner set or cleared is kept).
      if (p && installerOf(p) === 'packages' && installerOf(before) !== 'packages')
        draft.nodes = draft.nodes.map((n) =>
          n.role === 'controller' && n.dataDiskGiB === undefined
            ? { ...n, dataDiskGiB: CINDER_DATA_DISK_GIB }
            : n,
        )
      return { draft }
    }),
  setImage: (image) =>
    set((s) => {
      const draft: Draft = { ...s.draft }
      if (!image) delete draft.image
      else {
        const clean: NonNullable<Draft['image']> = { url: image.url }
        if (image.sha256) clean.sha256 = image.sha256
        if (image.checksumUrl) clean.checksumUrl = image.checksumUrl
        draft.image = clean
      }
      return { draft }
    }),
  setNode: (index, patch) =>
    set((s) => ({
      draft: { ...s.draft, nodes: s.draft.nodes.map((n, i) => (i === index ? { ...n, ...patch } : n)) },
    })),
  setNic: (node, nic, patch) =>
    set((s) => ({
      draft: {
        ...s.draft,
        nodes: s.draft.nodes.map((n, i) =>
          i === node ? { ...n, nics: n.nics.map((c, j) => (j === nic ? { ...c, ...patch } : c)) } : n,
        ),
      },
    })),
  addCompute: () =>
    set((s) => {
      const d = s.draft
      const template = d.nodes.find((n) => n.role === 'compute')
      const node: NodeInput = {
        name: nextComputeName(d),
        role: 'compute',
        vcpus: template?.vcpus ?? 2,
        memoryMiB: template?.memoryMiB ?? Math.max(4096, MIN_MEMORY_MIB.compute),
        diskGiB: template?.diskGiB ?? 20,
        nics: [],
      }
      const withNode = { ...d, nodes: [...d.nodes, node] }
      // One NIC per network, each on the next free address (computed one by one so they differ).
      for (const net of d.networks) node.nics.push({ network: net.name, ip: freeAddress(withNode, net.name) })
      return { draft: withNode }
    }),
  removeNode: (index) =>
    set((s) => ({ draft: { ...s.draft, nodes: s.draft.nodes.filter((_, i) => i !== index) } })),
  setSubnet: (index, subnet) =>
    set((s) => {
      const d = s.draft
      const net = d.networks[index]!
      const from = parseCidr(net.subnet)
      const to = parseCidr(subnet)
      const move = (ip: string) => {
        const addr = parseIpv4(ip)
        if (!from || !to || addr === null || !inSubnet(from, addr)) return ip
        const moved = to.base + (addr - from.base)
        return inSubnet(to, moved) ? formatIpv4(moved) : ip
      }
      return {
        draft: {
          ...d,
          networks: d.networks.map((n, i) => (i === index ? { ...n, subnet } : n)),
          nodes: d.nodes.map((node) => ({
            ...node,
            nics: node.nics.map((nic) => (nic.network === net.name ? { ...nic, ip: move(nic.ip) } : nic)),
          })),
        },
      }
    }),
  renameNetwork: (index, name) =>
    set((s) => {
      const d = s.draft
      const old = d.networks[index]?.name
      return {
        draft: {
          ...d,
          networks: d.networks.map((n, i) => (i === index ? { ...n, name } : n)),
          nodes: d.nodes.map((node) => ({
            ...node,
            nics: node.nics.map((nic) => (nic.network === old ? { ...nic, network: name } : nic)),
          })),
        },
      }
    }),
  toYaml: () => stringifyYaml(get().draft),
  fromYaml(text) {
    let value: unknown
    try {
      // The CLI's own reader: at most 1 MiB, plain YAML (no merge keys, aliases, tags, extra documents).
      value = parseUserYaml(text)
    } catch (error) {
      if (error instanceof YamlRefused) return error.problems.map(describeProblem).join('; ')
      return (error as Error).message
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return 'expected a lab definition (a mapping with name, preset, networks, nodes)'
    const v = value as Partial<Draft>
    if (!Array.isArray(v.nodes) || !Array.isArray(v.networks))
      return 'a lab definition needs a nodes list and a networks list'
    set({ draft: value as Draft })
    return null
  },
}))
