// Installing OpenStack on a lab with packstack, and what the lab reports afterwards: the state of an install
// kept with the lab (so a run that outlives the app can be found and reattached), and the status of every
// node's OpenStack services.
import { z } from 'zod'
import { StatusProblem } from './status-says'

/** One packstack run on the controller, recorded before it starts (write-ahead). */
/** The package repositories a node gets before packstack: one set per lab (its OS and release), recorded per run. */
export const RepositorySet = z.object({
  /** The RDO release package that pins the lab's release: centos-release-openstack-<release>. */
  releasePackage: z.string(),
  /** Repositories enabled besides the OS's defaults (crb on EL9, powertools on EL8). */
  enabled: z.array(z.string()),
  /** Repositories removed: EPEL conflicts with RDO (Erlang under RabbitMQ), packstack dropped it. */
  removed: z.array(z.string()),
  /** dnf modules disabled (mariadb on EL9: its 10.11 module is broken for RDO). */
  modulesDisabled: z.array(z.string()),
  /** The OS is archived: its repositories point at vault.centos.org. */
  vault: z.boolean(),
})
export type RepositorySet = z.infer<typeof RepositorySet>

export const InstallRun = z.object({
  id: z.string(),
  /** On the controller: packstack's console output, and its exit status once it ends. */
  log: z.string(),
  rcFile: z.string(),
  /** The detached wrapper's process id (its own session and process group) on the controller. */
  pid: z.number().int().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.enum(['running', 'success', 'failed', 'incomplete', 'cancelled']),
  /** The failure in a line, when there is one. */
  error: z.string().nullable(),
  /** The repositories the nodes were prepared with (none for an OS Stacklab does not prepare); absent in older records. */
  repositories: RepositorySet.nullable().optional(),
  /** A run that joins a compute node added after the install (its name); absent for an install. */
  join: z.string().optional(),
})
export type InstallRun = z.infer<typeof InstallRun>

export const InstallState = z.object({
  /** The answer file used (kept on the host in the lab's private folder; it holds passwords). */
  answersSaved: z.boolean(),
  runs: z.array(InstallRun),
  /** The distribution-packages install's progress (absent for packstack labs). */
  stages: z.lazy(() => StagesState).optional(),
})
export type InstallState = z.infer<typeof InstallState>

export const ServiceState = z.object({
  name: z.string(),
  /** What the source says: `active`, `failed`, `inactive`, `up`, `down`, `enabled`/`disabled`... */
  state: z.string(),
  ok: z.boolean(),
})

export const NodeStatus = z.object({
  name: z.string(),
  domain: z.string(),
  address: z.string(),
  /** libvirt's view of the VM. */
  vmState: z.string(),
  reachable: z.boolean(),
  /** `openstack-service status` on the node. */
  services: z.array(ServiceState),
  /** The node runs (VM up, SSH answers) while some of its OpenStack services are down. */
  flagged: z.boolean(),
  health: z.enum(['ok', 'degraded', 'down', 'unknown']),
})
export type NodeStatus = z.infer<typeof NodeStatus>

export const ApiService = z.object({
  kind: z.enum(['compute', 'network', 'volume']),
  binary: z.string(),
  host: z.string(),
  ok: z.boolean(),
  state: z.string(),
})
export type ApiService = z.infer<typeof ApiService>

/** An instance (Nova server) of the lab's cloud, and the lab node its host is (null: not a node of the lab). */
export const Instance = z.object({
  id: z.string(),
  name: z.string(),
  /** Nova's status: ACTIVE, BUILD, ERROR, SHUTOFF... */
  status: z.string(),
  host: z.string(),
  node: z.string().nullable(),
})
export type Instance = z.infer<typeof Instance>

export const LabStatusReport = z.object({
  lab: z.string(),
  checkedAt: z.string(),
  /** A packstack run finished with success and keystonerc_admin is there. */
  installed: z.boolean(),
  horizon: z.object({ url: z.string(), username: z.string(), password: z.string() }).nullable(),
  nodes: z.array(NodeStatus),
  services: z.array(ApiService),
  /** Every project's instances (`openstack server list --all-projects --long`), where Nova answers. */
  instances: z.array(Instance),
  /** Things the user should know ("compute: running, but openstack-nova-compute is failed"), by code. */
  problems: z.array(StatusProblem),
})
export type LabStatusReport = z.infer<typeof LabStatusReport>

/** The newest report that has this VM as a lab node, with that node; null without one. */
export function newestNodeReport(
  reports: Record<string, LabStatusReport>,
  domain: string,
): { report: LabStatusReport; node: NodeStatus } | null {
  let found: { report: LabStatusReport; node: NodeStatus } | null = null
  for (const report of Object.values(reports)) {
    const node = report.nodes.find((n) => n.domain === domain)
    if (node && (!found || report.checkedAt > found.report.checkedAt)) found = { report, node }
  }
  return found
}

/**
 * The cloud's instances on a VM that is a lab node, from the newest report that has it as a node (a lesson's
 * instance on its compute node). None without a report, or where Nova did not answer.
 */
export function instancesOn(reports: Record<string, LabStatusReport>, domain: string): Instance[] {
  const found = newestNodeReport(reports, domain)
  return found ? found.report.instances.filter((i) => i.node === found.node.name) : []
}

export const INSTALL_STEPS = [
  { id: 'connect', title: 'Connect to every node' },
  { id: 'setup', title: 'Package repositories and packstack' },
  { id: 'answers', title: 'Answer file' },
  { id: 'check', title: 'Check the answer file against the lab' },
  { id: 'checkpoint', title: 'Checkpoint "pre-install"' },
  { id: 'run', title: 'Run packstack' },
  { id: 'status', title: 'OpenStack status' },
] as const

/** The lab checkpoint taken before packstack runs, restored by "retry". */
export const PRE_INSTALL_CHECKPOINT = 'pre-install'

/** The lab checkpoint taken before a compute node added later joins OpenStack, restored by "retry". */
export const preJoinCheckpoint = (node: string) => `pre-join-${node}`

/**
 * The steps that join a compute node added to an installed lab (after the steps that add its VM): the
 * checkpoint, the node's preparation, the answer file, packstack (its run step as the install's), Nova's
 * host discovery and the check that the new nova-compute is up.
 */
export function joinSteps(node: string): { id: string; title: string }[] {
  return [
    { id: 'join-checkpoint', title: `Checkpoint "${preJoinCheckpoint(node)}"` },
    { id: 'join-prepare', title: `Prepare ${node} for OpenStack` },
    { id: 'join-answers', title: `Answer file: ${node} added, installed servers excluded` },
    { id: 'run', title: 'Run packstack' },
    { id: 'discover', title: 'Map the new compute host into its cell (discover_hosts)' },
    { id: 'verify', title: `nova-compute on ${node} up` },
  ]
}

/** Whether OpenStack is installed on the lab: an install run (not a join) succeeded. */
export const installed = (install: InstallState | null | undefined) =>
  !!install?.runs.some((r) => r.outcome === 'success' && !r.join)

/**
 * The distribution-packages install, one stage per service as seed 004 installs them by hand. Each stage is
 * verified by real calls before the next starts, and a lab checkpoint `pre-<stage>` is taken before it, so a
 * retry goes back to the failed stage's checkpoint instead of starting over.
 */
export const DEBIAN_STAGES = [
  { id: 'prepare', title: 'Prepare the nodes: package source, admin credentials' },
  { id: 'infra', title: 'MariaDB, RabbitMQ, Memcached, etcd' },
  { id: 'keystone', title: 'Keystone (Identity)' },
  { id: 'glance', title: 'Glance (Image)' },
  { id: 'placement', title: 'Placement' },
  { id: 'nova', title: 'Nova (Compute)' },
  { id: 'neutron', title: 'Neutron (Networking, ML2/OVN)' },
  { id: 'horizon', title: 'Horizon (Dashboard)' },
  { id: 'cinder', title: 'Cinder (Block Storage, LVM)' },
] as const
export type DebianStageId = (typeof DEBIAN_STAGES)[number]['id']

/**
 * The stages a lab's install runs: all of them, but Cinder only where the controller has a data disk for
 * its LVM volume group (seed 004's second disk); without one there is nowhere to put volumes.
 */
export function debianStagesOf(def: {
  nodes: readonly { role: string; dataDiskGiB?: number | undefined }[]
}) {
  const storage = def.nodes.some((n) => n.role === 'controller' && !!n.dataDiskGiB)
  return DEBIAN_STAGES.filter((s) => s.id !== 'cinder' || storage)
}

export const stageCheckpoint = (stage: string) => `pre-${stage}`

/** The stages with work on a compute node: what a compute node added after the install runs of them. */
const JOIN_STAGE_IDS: readonly DebianStageId[] = ['prepare', 'nova', 'neutron', 'cinder']

/**
 * The steps that join a compute node added to a lab installed from the distribution's packages (after the
 * steps that add its VM): the "pre-join-<node>" checkpoint, then each stage's part for that node (nova's
 * with discover_hosts on the controller and the checks that name the node).
 */
export function debianJoinSteps(
  def: Parameters<typeof debianStagesOf>[0],
  node: string,
): { id: string; title: string }[] {
  return [
    { id: 'join-checkpoint', title: `Checkpoint "${preJoinCheckpoint(node)}"` },
    { id: 'join-connect', title: `Connect to the controller and ${node}` },
    ...debianStagesOf(def)
      .filter((s) => JOIN_STAGE_IDS.includes(s.id))
      .map((s) => ({ id: `join-${s.id}`, title: `${s.title}: ${node}` })),
  ]
}

/** Where a distribution-packages install stands: stages done, and the one running or failed. */
export const StagesState = z.object({
  done: z.array(z.string()),
  /** The stage running now (its script detached on a node), or the one that failed. */
  current: z
    .object({
      stage: z.string(),
      node: z.string(),
      script: z.number().int(),
      log: z.string(),
      rcFile: z.string(),
      pid: z.number().int().nullable(),
      startedAt: z.string(),
    })
    .nullable(),
  failed: z.string().nullable(),
  /** When the stage running now started (its checkpoint), so a reattached stage is timed whole. */
  stageStartedAt: z.string().nullable().optional(),
  /** Seconds each finished stage took (its checkpoint, scripts and checks). */
  seconds: z.record(z.string(), z.number()),
  /**
   * The last compute node joined after the install, and how that went ("running" after the engine died
   * means interrupted): an install or retry of the lab finishes that join instead of installing again.
   */
  joining: z
    .object({
      node: z.string(),
      outcome: z.enum(['running', 'success', 'failed']),
      seconds: z.number().optional(),
    })
    .nullable()
    .optional(),
})
export type StagesState = z.infer<typeof StagesState>

/** OpenStack is on the lab: packstack's install succeeded, or every stage of the packages install is done. */
export function openstackInstalled(state: {
  install?: InstallState | null | undefined
  definition: Parameters<typeof debianStagesOf>[0]
}): boolean {
  if (installed(state.install)) return true
  const stages = state.install?.stages
  return (
    !!stages &&
    !stages.current &&
    !stages.failed &&
    debianStagesOf(state.definition).every((s) => stages.done.includes(s.id))
  )
}
