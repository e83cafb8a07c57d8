// The lab pipeline: a lab definition to running, reachable nodes, as a job with named steps. State is saved
// after every step (resume after a crash starts after the last finished one); every resource is announced
// before it is made (write-ahead, journal.ts), so cancel, rollback and delete remove exactly what Stacklab
// made. What each step does is in steps.ts.
import type { JobHandle } from '../jobs'
import type { LabEnv } from './env'
import type { Recorder } from './journal'
import { passwordFileOf } from './root-password'
import { nodeCtx, pipelineSteps } from './steps'

// The lab's environment is defined in env.ts; the engine still imports it from here.
export type { LabEnv }

export const PIPELINE_STEPS = [
  { id: 'preflight', title: 'Check the host' },
  { id: 'networks', title: 'Networks' },
  { id: 'base-image', title: 'Base image' },
  { id: 'disks', title: 'Node disks' },
  { id: 'customise', title: 'Node customisation' },
  { id: 'define', title: 'VM definitions' },
  { id: 'boot', title: 'Boot' },
  { id: 'ssh', title: 'Reachable over SSH' },
  { id: 'checkpoint', title: 'First checkpoint "fresh"' },
] as const
export type StepId = (typeof PIPELINE_STEPS)[number]['id']

/** Steps that verify live state, so they run again on a resume (they do nothing when all is well). */
const RECHECKED = new Set<StepId>(['boot', 'ssh'])

/** Run (or resume) the pipeline for every node of the lab, or only `only` nodes (adding a node). */
export async function runPipeline(
  env: LabEnv,
  rec: Recorder,
  job: JobHandle,
  options: { only?: string[]; rootPassword?: string } = {},
): Promise<void> {
  const state = rec.state
  const lab = state.definition
  const nodes = lab.nodes.filter((n) => !options.only || options.only.includes(n.name))
  const stepKey = (id: StepId) => (options.only ? `${id}:${options.only.join(',')}` : id)
  let currentStep: StepId = 'preflight'
  const ctx = () =>
    nodeCtx(
      env,
      state,
      job.signal,
      (node, s, tick) => void job.detail(currentStep, `${node}: ${s}`, tick ? { log: false } : {}),
    )
  const passwordFile = await passwordFileOf(env, state, options.rootPassword)
  const impl = pipelineSteps({
    env,
    rec,
    job,
    nodes,
    only: options.only,
    passwordFile,
    ctx,
  })

  for (const step of PIPELINE_STEPS) {
    currentStep = step.id
    // Boot and SSH are checked again even when done before: a VM can be off by now (a crash, a reboot).
    if (state.stepsDone.includes(stepKey(step.id)) && !RECHECKED.has(step.id)) {
      await job.finish(step.id, 'skipped', 'finished before')
      continue
    }
    await job.start(step.id)
    await impl[step.id]()
    state.stepsDone.push(stepKey(step.id))
    await rec.save()
    await job.finish(step.id)
  }
}
