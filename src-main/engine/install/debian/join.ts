// A compute node added to a lab installed from the distribution's packages joins the cloud the way seed 000
// adds compute1 by hand, in the job that added its VM: a lab checkpoint "pre-join-<node>", then of each stage
// only that node's part (package source, nova-compute with its nova.conf, OVS and ovn-controller, iscsid),
// nova's discover_hosts on the controller, and the checks that name compute nodes asked about this one
// (nova-compute up, a hypervisor, an OVN chassis, an alive OVN agent). Its scripts run detached and logged
// like the install's. A join that failed or was interrupted is finished by `stacklab install LAB` (from the
// start: each step is safe to run again), or with --retry after the "pre-join-<node>" checkpoint is restored.
import type { Client } from 'ssh2'
import { preJoinCheckpoint, type StagesState } from '../../../../src-shared/install'
import { Cancelled, type JobHandle } from '../../jobs'
import { restoreCheckpoint, type LabEnv } from '../../lab/env'
import { connectNode, controllerOf, syncClocks, trustController } from '../../lab/node-ssh'
import { domainName } from '../../lab/provision-node'
import { sshExec } from '../../ssh/client'
import { installState, stagesState } from '../runs'
import { takePreJoinCheckpoint } from '../join'
import { endFailed, listedStep, type StepsDeps } from '../steps'
import { packagesScript } from './common'
import { debianJoinPlan } from './plan'
import {
  checkFailure,
  followScript,
  labSecrets,
  runCheck,
  stageFailure,
  startScript,
  writeNodeFile,
  type Detached,
} from './run'

async function saveJoining(
  deps: StepsDeps,
  env: LabEnv,
  name: string,
  joining: StagesState['joining'],
): Promise<void> {
  const fresh = await deps.get(name)
  fresh.install = { ...installState(fresh), stages: { ...stagesState(fresh), joining } }
  await env.store.save(fresh)
}

export async function runDebianJoin(
  deps: StepsDeps,
  env: LabEnv,
  name: string,
  job: JobHandle,
  node: string,
): Promise<void> {
  const state = await deps.get(name)
  const lab = state.definition
  const files = env.store.files(name)
  const ctrl = controllerOf(state).name
  const checkpoint = preJoinCheckpoint(node)
  const domains = lab.nodes.map((n) => domainName(lab, n))
  const clients = new Map<string, Client>()
  let running: Detached | null = null
  const t0 = Date.now()
  try {
    const plan = debianJoinPlan(lab, await labSecrets(env, name), node)
    await saveJoining(deps, env, name, { node, outcome: 'running' })
    await listedStep(job, 'join-restore', async () => {
      await restoreCheckpoint(env, domains, checkpoint)
      return `every node is back at "${checkpoint}"`
    })
    await listedStep(job, 'join-checkpoint', () => takePreJoinCheckpoint(env, domains, node))
    await listedStep(job, 'join-connect', async () => {
      for (const n of [ctrl, node])
        clients.set(n, await connectNode(files, state, n, { signal: job.signal, waitMs: 5 * 60_000 }))
      await trustController(files, state, clients.get(ctrl)!, [...clients.values()])
      return `the controller logs into ${node} (ssh ${node}); ${await syncClocks(clients)}`
    })
    for (const stage of plan) {
      await listedStep(
        job,
        `join-${stage.id}`,
        async () => {
          const run = async (n: number, on: string, script: string) => {
            job.throwIfCancelled()
            running = await startScript(clients.get(on)!, `join-${stage.id}`, on, n, script)
            const followed = await followScript(env, state, running, job)
            if (followed.reconnects) {
              clients.get(on)?.end()
              clients.set(on, await connectNode(files, state, on, { signal: job.signal, waitMs: 5 * 60_000 }))
            }
            if (followed.code !== 0)
              throw stageFailure(name, stage, on, followed.tail, running.log, checkpoint)
            running = null
          }
          for (const p of stage.packages) {
            await job.detail(`join-${stage.id}`, `${p.node}: packages ${p.names.join(' ')}`, { log: true })
            await run(-1, p.node, packagesScript(p.names))
          }
          for (const f of stage.files) {
            await job.detail(`join-${stage.id}`, `${f.node}: ${f.path}`, { log: true })
            await writeNodeFile(clients.get(f.node)!, f)
          }
          for (const [i, s] of stage.scripts.entries()) await run(i, s.node, s.script)
          const passed: string[] = []
          for (const check of stage.checks) {
            await job.detail(`join-${stage.id}`, `check: ${check.title}`, { log: true })
            const r = await runCheck(clients.get(check.node)!, check, job)
            if (!r.ok) throw checkFailure(name, stage, check.node, check.title, r.line, checkpoint)
            passed.push(check.title)
          }
          return [`${stage.files.length} files, ${stage.scripts.length} scripts`, ...passed].join(' · ')
        },
        { cancelFirst: true },
      )
    }
    await saveJoining(deps, env, name, {
      node,
      outcome: 'success',
      seconds: Math.round((Date.now() - t0) / 1000),
    })
    await job.end('succeeded')
  } catch (error) {
    // Cancelled: the script running on a node is stopped too (its whole process group).
    const cur = running as Detached | null
    if ((error instanceof Cancelled || job.signal.aborted) && cur?.pid && clients.has(cur.node))
      await sshExec(clients.get(cur.node)!, `kill -TERM -- -${cur.pid} 2>/dev/null; true`).catch(
        () => undefined,
      )
    await saveJoining(deps, env, name, { node, outcome: 'failed' }).catch(() => undefined)
    await endFailed(deps, env, name, job, error, `: stacklab install ${name} --retry`)
  } finally {
    for (const c of clients.values()) c.end()
  }
}
