// What OpenStack on a lab reports: per node the VM's state, whether it answers SSH, and what
// `openstack-service status` says of its services; from the controller, with keystonerc_admin, the compute
// services, network agents and volume services; the Horizon URL with the admin login. A node that runs
// while some of its services are down is flagged.
import type { Client } from 'ssh2'
import type { ApiService, Instance, LabStatusReport, NodeStatus } from '../../../src-shared/install'
import { nodeAddress, type LabState } from '../../../src-shared/lab'
import { domainGet } from '../libvirt/domain'
import { parseApiServices, parseServers, serviceNode } from './status-parse'
import { outputLines } from '../lines'
import { maskGuest, registerGuestSecret } from '../secrets'
import { statusProblem, type StatusProblem } from '../../../src-shared/status-says'
import { sshExec } from '../ssh/client'
import type { LabEnv } from '../lab/env'
import { domainName } from '../lab/provision-node'
import { connectNode, controllerOf } from '../lab/node-ssh'
import { presetOf } from '../lab/env'
import { installerOf } from '../../../src-shared/lab'
import { debianStagesOf } from '../../../src-shared/install'
import { ADMIN_OPENRC, STAGE_UNITS } from './debian/common'
import { stagesState } from './runs'
import { horizonUrl } from './debian/stages-dashboard'

/**
 * `systemctl show --property=Id,ActiveState` blocks (blank-line separated) → one service each. Debian has
 * no openstack-service: a distribution-packages lab's units are asked of systemd directly.
 */
export function parseSystemctlShow(text: string): { name: string; state: string; ok: boolean }[] {
  return parseServiceStatus(
    text
      .split(/\n\s*\n/)
      .map((block) => block.split('\n').join(' '))
      .join('\n'),
  )
}

/** The units a distribution-packages lab runs on a node by now: those of the stages done. */
export function installedUnits(state: LabState, node: string): string[] {
  const def = state.definition.nodes.find((n) => n.name === node)
  const role = def?.role === 'controller' ? 'controller' : def?.role === 'compute' ? 'compute' : null
  if (!role) return []
  const done = new Set(stagesState(state).done)
  return debianStagesOf(state.definition)
    .filter((s) => done.has(s.id))
    .flatMap((s) => STAGE_UNITS[s.id][role])
}

/** `export OS_PASSWORD='secret'` lines of keystonerc_admin → variables (quotes as the shell reads them). */
export function parseKeystonerc(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const line of outputLines(text)) {
    const m = /^\s*export\s+([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line)
    if (!m) continue
    let value = m[2]!.trim()
    if (/^'.*'$/.test(value)) value = value.slice(1, -1).replace(/'\\''/g, "'")
    else if (/^".*"$/.test(value)) value = value.slice(1, -1).replace(/\\(["\\$`])/g, '$1')
    vars[m[1]!] = value
  }
  return vars
}

/** `MainPID=1234 Id=openstack-nova-api.service ActiveState=active` lines of openstack-service status. */
export function parseServiceStatus(text: string): { name: string; state: string; ok: boolean }[] {
  const out: { name: string; state: string; ok: boolean }[] = []
  for (const line of outputLines(text)) {
    const id = /\bId=(\S+?)(?:\.service)?(?:\s|$)/.exec(line)?.[1]
    const state = /\bActiveState=(\S+)/.exec(line)?.[1]
    if (id && state) out.push({ name: id, state, ok: state === 'active' })
  }
  return out
}

// Parsing of the openstack client's lists lives in status-parse.ts (JSON and tables).
export { parseApiServices } from './status-parse'

export const ADMIN_RC = '/root/keystonerc_admin'

/**
 * The admin credentials packstack left on the controller. The password is the guest's (the user may have
 * set it in the answer file, and it may be an ordinary word): registered as a guest value, masked in the
 * guest's output, never a reason to refuse a local command.
 */
export async function readAdminRc(client: Client, path = ADMIN_RC): Promise<Record<string, string>> {
  const rc = await sshExec(client, `cat ${path} 2>/dev/null`)
  const vars = rc.code === 0 ? parseKeystonerc(rc.stdout) : {}
  if (vars['OS_PASSWORD']) registerGuestSecret(vars['OS_PASSWORD'])
  return vars
}

const MARK = '@@stacklab-'

/**
 * The framed parts of the combined openstack command's output. Found with indexOf, one pass: a lazy
 * `begin([\s\S]*?)end` pattern would scan to the end again from every begin mark the output repeats.
 */
type Framed = ApiService['kind'] | 'servers'
const FRAMED = new Set<string>(['compute', 'network', 'volume', 'servers'])

export function splitFramed(out: string): { kind: Framed; body: string; rc: number }[] {
  const parts: { kind: Framed; body: string; rc: number }[] = []
  const BEGIN = `${MARK}begin `
  const END = `${MARK}end `
  let at = out.indexOf(BEGIN)
  while (at >= 0) {
    const nl = out.indexOf('\n', at)
    if (nl < 0) break
    const kind = out.slice(at + BEGIN.length, nl)
    const end = out.indexOf(END, nl + 1)
    if (end < 0) break
    const rc = /^\d+/.exec(out.slice(end + END.length, end + END.length + 12))?.[0]
    const next = out.indexOf(BEGIN, nl + 1)
    // The body is what lies between its begin mark and its own end mark, never past the next begin mark.
    if (FRAMED.has(kind) && rc && (next < 0 || next > end))
      parts.push({ kind: kind as Framed, body: out.slice(nl + 1, end), rc: Number(rc) })
    at = next >= 0 && next < end ? next : out.indexOf(BEGIN, end)
  }
  return parts
}

export async function labStatus(env: LabEnv, state: LabState): Promise<LabStatusReport> {
  const lab = state.definition
  const files = env.store.files(lab.name)
  const ctrl = controllerOf(state)
  const problems: StatusProblem[] = []
  const clients = new Map<string, Client>()
  const nodes: NodeStatus[] = []
  const packages = installerOf(presetOf(state)) === 'packages'
  try {
    for (const node of lab.nodes) {
      const domain = domainName(lab, node)
      const vmState = await domainGet(env.virsh, domain)
        .then((d) => d.state)
        .catch(() => 'missing')
      let reachable = false
      let services: NodeStatus['services'] = []
      if (vmState === 'running' && state.nodes[node.name]) {
        try {
          const client = await connectNode(files, state, node.name)
          clients.set(node.name, client)
          reachable = true
          if (packages) {
            const units = installedUnits(state, node.name)
            if (units.length) {
              const r = await sshExec(client, `systemctl show --property=Id,ActiveState ${units.join(' ')}`)
              services = parseSystemctlShow(r.stdout)
            }
          } else {
            const r = await sshExec(
              client,
              'command -v openstack-service >/dev/null && openstack-service status',
            )
            services = parseServiceStatus(r.stdout)
          }
        } catch (error) {
          problems.push(
            statusProblem('unreachable', { node: node.name, detail: maskGuest((error as Error).message) }),
          )
        }
      } else problems.push(statusProblem('vm-state', { node: node.name, state: vmState }))
      nodes.push({
        name: node.name,
        domain,
        address: nodeAddress(node),
        vmState,
        reachable,
        services,
        flagged: false,
        health: 'unknown',
      })
    }

    let installed = false
    let horizon: LabStatusReport['horizon'] = null
    const api: ApiService[] = []
    let servers: Omit<Instance, 'node'>[] = []
    const controller = clients.get(ctrl.name)
    const stages = stagesState(state)
    const allStages = debianStagesOf(lab).every((s) => stages.done.includes(s.id))
    if (controller) {
      const rc = packages ? ADMIN_OPENRC : ADMIN_RC
      const vars = await readAdminRc(controller, rc)
      const done = new Set(stages.done)
      // packstack installs everything at once; a packages lab answers for the stages it has done.
      const has = (stage: string) => !packages || done.has(stage)
      installed = !!vars['OS_PASSWORD'] && (!packages || allStages)
      if (vars['OS_PASSWORD'] && has('horizon'))
        horizon = {
          url: packages ? horizonUrl(nodeAddress(ctrl)) : `http://${nodeAddress(ctrl)}/dashboard`,
          username: vars['OS_USERNAME'] ?? 'admin',
          password: vars['OS_PASSWORD'],
        }
      const lists = (
        [
          ['compute', 'compute service list', 'nova'],
          ['network', 'network agent list', 'neutron'],
          ['volume', 'volume service list', 'cinder'],
          ['servers', 'server list --all-projects --long -c ID -c Name -c Status -c Host', 'nova'],
        ] as const
      ).filter(([, , stage]) => has(stage))
      if (vars['OS_PASSWORD'] && lists.length) {
        // One SSH command for the lists, each framed by markers with its exit status.
        const script = lists
          .map(
            ([kind, cmd]) =>
              `echo '${MARK}begin ${kind}'; openstack ${cmd} -f json 2>&1; echo "${MARK}end $?"`,
          )
          .join('; ')
        const out = (await sshExec(controller, `. ${rc} && { ${script}; }`)).stdout
        for (const { kind, body, rc } of splitFramed(out)) {
          if (kind === 'servers') {
            // The instances are shown beside their nodes where Nova answers. They say nothing of the cloud's
            // health (Nova's own services do), so a list that fails is logged, not a problem of the lab: a
            // packstack lab's test double has no `server list`, an older policy may refuse --all-projects.
            try {
              if (rc !== 0) throw new Error(body.trim().split('\n').pop() ?? '')
              servers = parseServers(body)
            } catch (error) {
              env.logger.log('warn', 'the instance list failed', {
                lab: lab.name,
                detail: maskGuest((error as Error).message),
              })
            }
            continue
          }
          // JSON as asked, or the client's table (an older client ignoring -f): anything else is a problem
          // of that list, never the end of the whole status.
          let parsed: ApiService[] | null = null
          if (rc === 0) {
            try {
              parsed = parseApiServices(kind, body)
            } catch {
              parsed = null
            }
          }
          if (!parsed) {
            // A lab without Cinder has no volume endpoint: not a problem.
            if (kind !== 'volume' || !/service catalog|endpoint/i.test(body))
              problems.push(
                statusProblem('api-failed', { kind, detail: maskGuest(body.trim().split('\n').pop() ?? '') }),
              )
            continue
          }
          api.push(...parsed)
        }
      }
    }

    // Per node: its own services, and the API's view of the services on that host.
    const namesOf = (n: NodeStatus) => new Set([n.name, `${n.name}.${lab.domain}`, n.address])
    const instances: Instance[] = servers.map((s) => ({
      ...s,
      node: nodes.find((n) => namesOf(n).has(s.host))?.name ?? null,
    }))
    for (const n of nodes) {
      const def = lab.nodes.find((x) => x.name === n.name)!
      const names = namesOf(n)
      const down = [
        ...n.services.filter((s) => !s.ok).map((s) => `${s.name} is ${s.state}`),
        ...api
          .filter((s) => names.has(serviceNode(s.host)) && !s.ok)
          .map((s) => `${s.binary} (${s.kind}) is ${s.state}`),
      ]
      if (n.vmState !== 'running' || !n.reachable) n.health = 'down'
      else if (down.length) {
        n.health = 'degraded'
        n.flagged = true
        problems.push(statusProblem('degraded', { node: def.name, down: maskGuest(down.join(', ')) }))
      } else n.health = installed ? 'ok' : 'unknown'
    }
    return {
      lab: lab.name,
      checkedAt: new Date().toISOString(),
      installed,
      horizon,
      nodes,
      services: api,
      instances,
      // Problems quote the guests' output: their own passwords are masked where they are made.
      problems,
    }
  } finally {
    for (const c of clients.values()) c.end()
  }
}
