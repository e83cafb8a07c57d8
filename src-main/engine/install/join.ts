// Joining a compute node added to an installed lab (seeds 000 and 003, RDO's "Adding a compute node"), as the
// steps after the ones that add its VM: a lab checkpoint "pre-join-<node>", the node prepared as the install
// prepared the others, the answer file with the new host in CONFIG_COMPUTE_HOSTS and the installed servers in
// EXCLUDE_SERVERS (saved as the lab's), packstack run detached and followed like the install (a recorded run:
// an engine restart reattaches to it), `nova-manage cell_v2 discover_hosts` on the controller (a compute node
// added after the install serves nothing until it runs: packstack bug 1673305), and a check that the new
// nova-compute is up. "Retry" restores the pre-join checkpoint and joins again with the saved answer file.
import type { Client } from 'ssh2'
import { installState } from './runs'
import { preJoinCheckpoint } from '../../../src-shared/install'
import { nodeAddress, type NodeDef } from '../../../src-shared/lab'
import { GuestCommandError } from '../../../src-shared/failures'
import { Cancelled, pause, type JobHandle } from '../jobs'
import { presetOf, restoreCheckpoint, type LabEnv } from '../lab/env'
import { connectNode, controllerOf, remote, syncClocks, trustController } from '../lab/node-ssh'
import { domainName } from '../lab/provision-node'
import { checkpointCreate, checkpointList } from '../libvirt/checkpoint'
import { parseAnswerFile, readAnswerText, readRaw } from '../packstack/answers'
import { checkAnswers } from '../packstack/check'
import { COMPUTE_HOSTS_KEY, EXCLUDE_SERVERS_KEY, joinComputeAnswers } from '../packstack/join'
import { maskGuest } from '../secrets'
import { sshExec } from '../ssh/client'
import { savedAnswers, writeAnswers } from './answers-store'
import { followRun } from './follow'
import { nodePrepCommands, probeKvm, REMOTE_ANSWERS, repositorySet } from './remote'
import { ADMIN_RC } from './status'
import { parseApiServices } from './status-parse'
import { endFailed, InstallError, listedStep, startRun, type StepsDeps } from './steps'

/** Nova's host discovery as packstack's docs and seed 000 run it: as the nova user, on the controller. */
export const DISCOVER_HOSTS = `su -s /bin/sh -c 'nova-manage cell_v2 discover_hosts --verbose' nova`

/** How long the new nova-compute may take to report up once packstack is done (it reports every 10 s). */
const VERIFY_MS = 2 * 60_000
const VERIFY_EVERY_MS = 5000

/** The nova-compute rows of `openstack compute service list -f json` that are the node's (name, FQDN, address). */
export function computeServiceOf(
  json: string,
  node: NodeDef,
  domain: string,
): { found: boolean; up: boolean; state: string; hosts: string[] } {
  const rows = parseApiServices('compute', json).filter((s) => s.binary === 'nova-compute')
  const names = new Set([node.name, `${node.name}.${domain}`, nodeAddress(node)])
  const mine = rows.filter((s) => names.has(s.host))
  return {
    found: mine.length > 0,
    up: mine.some((s) => s.ok),
    state: mine.map((s) => s.state).join(', '),
    hosts: rows.map((s) => s.host),
  }
}

/**
 * The failures of the join's own steps, with a fix that ends in the retry (their words in the renderer's
 * catalog, failure.install.<reason>, say the same).
 */
export function joinError(
  reason: 'discover-failed' | 'compute-missing' | 'compute-down',
  p: { node: string; controller: string; detail: string; lab: string },
): InstallError {
  const checkpoint = preJoinCheckpoint(p.node)
  const retry = `restore the "${checkpoint}" checkpoint and join again: stacklab install ${p.lab} --retry`
  const params = { reason, ...p, checkpoint }
  if (reason === 'discover-failed')
    return new InstallError(
      `nova-manage cell_v2 discover_hosts failed on ${p.controller} after ${p.node} joined: ${p.detail}`,
      `On ${p.controller}, run ${DISCOVER_HOSTS} and read its error; then ${retry}`,
      params,
    )
  return new InstallError(
    reason === 'compute-down'
      ? `nova-compute on ${p.node} is not up in openstack compute service list: ${p.detail}`
      : `openstack compute service list shows no nova-compute on ${p.node}: ${p.detail}`,
    `On ${p.node}: systemctl status openstack-nova-compute and /var/log/nova/nova-compute.log; then ${retry}`,
    params,
  )
}

/**
 * The "pre-join-<node>" checkpoint, taken once the new node answers SSH (the add's last step), before anything
 * changes for OpenStack; one already complete is kept (it is the clean state to go back to).
 */
export async function takePreJoinCheckpoint(env: LabEnv, domains: string[], node: string): Promise<string> {
  const checkpoint = preJoinCheckpoint(node)
  const present = await checkpointList(env.virsh, domains)
  if (present.some((c) => c.name === checkpoint && c.complete))
    return `kept the existing "${checkpoint}" (it is the clean state to go back to)`
  await checkpointCreate(env.virsh, domains, checkpoint, `Stacklab: before ${node} joins OpenStack`)
  return `taken on ${domains.length} nodes`
}

/**
 * Run the join steps the job lists (a retry lists join-restore and no checkpoint; a reattach only run, discover
 * and verify); the job ends succeeded, cancelled (packstack stopped) or failed with a typed reason and a fix.
 */
export async function runJoin(
  deps: StepsDeps,
  env: LabEnv,
  name: string,
  job: JobHandle,
  nodeName: string,
  options: { reattach?: boolean } = {},
): Promise<void> {
  let state = await deps.get(name)
  const lab = state.definition
  const files = env.store.files(name)
  const node = lab.nodes.find((n) => n.name === nodeName)
  const ctrlName = controllerOf(state).name
  const checkpoint = preJoinCheckpoint(nodeName)
  const domains = lab.nodes.map((n) => domainName(lab, n))
  // Said after "then" in the other fixes, so it starts in lower case.
  const retryFix = `restore the "${checkpoint}" checkpoint and join again: stacklab install ${name} --retry`
  let controller: Client | null = null
  let added: Client | null = null
  let kvm = false
  const step = (id: string, work: () => Promise<string | void>) =>
    listedStep(job, id, work, { cancelFirst: true })
  const ctrl = async () =>
    (controller ??= await connectNode(files, state, ctrlName, { signal: job.signal, waitMs: 5 * 60_000 }))
  try {
    if (!node) throw new Error(`lab ${name} has no node named ${nodeName}`)
    await step('join-restore', async () => {
      await restoreCheckpoint(env, domains, checkpoint)
      return `every node is back at "${checkpoint}"`
    })
    await step('join-checkpoint', () => takePreJoinCheckpoint(env, domains, nodeName))
    await step('join-prepare', async () => {
      const c = await ctrl()
      added = await connectNode(files, state, nodeName, { signal: job.signal, waitMs: 5 * 60_000 })
      // packstack on the controller logs into the new node as root, with the host key Stacklab pinned.
      await trustController(files, state, c, [c, added])
      // The checkpoint paused (or the restore rewound) every node: each clock to the host's. Nodes other
      // than these two answer a short connection of their own.
      const rest = new Map<string, Client>()
      try {
        for (const n of state.definition.nodes)
          if (n.name !== ctrlName && n.name !== nodeName)
            rest.set(n.name, await connectNode(files, state, n.name, { signal: job.signal, waitMs: 60_000 }))
        await job.detail(
          'join-prepare',
          await syncClocks(new Map([[ctrlName, c], [nodeName, added], ...rest])),
        )
      } finally {
        for (const r of rest.values()) r.end()
      }
      kvm = await probeKvm(added)
      const preset = presetOf(state)
      const repos = repositorySet(preset.osFamily, lab.release, preset.eol)
      for (const command of nodePrepCommands(preset.osFamily, repos)) {
        job.throwIfCancelled()
        await job.detail('join-prepare', `${nodeName}: ${command}`)
        await remote(added, command)
      }
      added.end()
      added = null
      return `${nodeName}: ${repos ? `repositories of ${repos.releasePackage}` : 'no repositories to set up for this OS'}; ${kvm ? 'kvm' : 'no KVM, qemu'}`
    })
    await step('join-answers', async () => {
      const text = joinComputeAnswers(
        await savedAnswers(files),
        nodeAddress(node),
        lab.nodes.map(nodeAddress),
      )
      const problems = checkAnswers(
        readAnswerText(text).fields,
        { definition: lab, state },
        { kvm: { [nodeName]: kvm } },
      )
      const errors = problems.filter((p) => p.severity === 'error')
      if (errors.length)
        throw new InstallError(
          `The answer file does not fit the lab: ${errors.map((p) => `${p.key}: ${p.message}`).join('; ')}`,
          'Fix these keys in the answer file (Install page or the saved file), then: stacklab install ' +
            `${name} --retry`,
          { reason: 'answers-misfit', keys: errors.map((p) => `${p.key}: ${p.message}`).join('; ') },
        )
      await writeAnswers(files, text)
      await remote(await ctrl(), `umask 077 && cat > ${REMOTE_ANSWERS}`, text)
      const raw = readRaw(parseAnswerFile(text))
      return `saved; CONFIG_COMPUTE_HOSTS=${raw.get(COMPUTE_HOSTS_KEY)}; EXCLUDE_SERVERS=${raw.get(EXCLUDE_SERVERS_KEY)}`
    })
    await step('run', async () => {
      state = await deps.get(name)
      const run = options.reattach
        ? installState(state).runs.at(-1)!
        : await startRun(env, state, await ctrl(), nodeName)
      controller?.end()
      controller = null
      const report = await followRun(env, state, run, job, deps.get)
      if (report.outcome !== 'success') {
        const failing = report.failure
        const where = failing ? ` at "${failing.step}"${failing.host ? ` on ${failing.host}` : ''}` : ''
        const first = report.errorLines[0] ?? 'packstack stopped without finishing'
        throw new InstallError(
          `packstack ${report.outcome === 'failed' ? 'failed' : 'did not finish'} joining ${nodeName}${where}: ${first}` +
            (report.logFile ? ` (log: ${report.logFile})` : ''),
          report.hints[0]?.fix ?? `Fix the cause, then ${retryFix}`,
          {
            reason: report.outcome === 'failed' ? 'packstack-failed' : 'packstack-unfinished',
            step: failing?.step ?? '—',
            host: failing?.host ?? '—',
            line: first,
            log: report.logFile ?? '—',
            checkpoint,
            lab: name,
          },
        )
      }
      return `packstack configured ${nodeAddress(node)}; the installed servers were excluded`
    })
    await step('discover', async () => {
      let out: string
      try {
        out = await remote(await ctrl(), DISCOVER_HOSTS)
      } catch (error) {
        const said = error instanceof GuestCommandError ? (error.details ?? '') : ''
        const line = maskGuest(said.trim().split('\n').pop() || (error as Error).message)
        throw joinError('discover-failed', { node: nodeName, controller: ctrlName, detail: line, lab: name })
      }
      const lines = maskGuest(out)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
      return lines.join('\n') || 'discover_hosts printed nothing'
    })
    await step('verify', async () => {
      const c = await ctrl()
      const deadline = Date.now() + VERIFY_MS
      for (;;) {
        const r = await sshExec(c, `. ${ADMIN_RC} && openstack compute service list -f json`)
        let seen: ReturnType<typeof computeServiceOf> | null = null
        if (r.code === 0) {
          try {
            seen = computeServiceOf(r.stdout, node, lab.domain)
          } catch {
            seen = null
          }
        }
        if (seen?.up) return `nova-compute on ${nodeName} is up (${seen.state})`
        if (Date.now() > deadline || job.signal.aborted) {
          if (job.signal.aborted) throw new Cancelled()
          const why = !seen
            ? maskGuest((r.stderr || r.stdout).trim().split('\n').pop() ?? 'no answer')
            : seen.found
              ? `it is ${seen.state}`
              : `the hosts listed are ${seen.hosts.join(', ') || 'none'}`
          const reason = seen?.found ? 'compute-down' : 'compute-missing'
          throw joinError(reason, { node: nodeName, controller: ctrlName, detail: why, lab: name })
        }
        await pause(VERIFY_EVERY_MS, job.signal)
      }
    })
    await job.end('succeeded')
  } catch (error) {
    ;(controller as Client | null)?.end()
    ;(added as Client | null)?.end()
    await endFailed(deps, env, name, job, error, ` ${retryFix}`)
  }
}
