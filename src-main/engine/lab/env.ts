// What a lab pipeline needs from the engine (its environment), and the error a step fails with: shared by
// the pipeline, its steps, the journal of what was made, and the install.
import { PRESETS, type LabState, type Preset } from '../../../src-shared/lab'
import { EngineFailure, type FailureParams, type PipelineReason } from '../../../src-shared/failures'
import type { Run } from '../exec'
import type { Logger } from '../log'
import { ValidationError } from '../libvirt/network'
import { checkpointRestore } from '../libvirt/checkpoint'
import type { Virsh } from '../libvirt/virsh'
import type { HostView } from '../preflight/host'
import type { TemplateSource } from '../provision/image'
import type { LabStore } from './store'

export interface LabEnv {
  run: Run
  virsh: Virsh
  store: LabStore
  logger: Logger
  host: HostView
  imagesDir: string
  source: TemplateSource
  /** How long to wait for a node to answer SSH after boot (software emulation is slow). */
  sshTimeoutMs?: number
  /** These VMs went back to a checkpoint (the engine ends the consoles open on them). */
  restored?: (domains: readonly string[], checkpoint: string) => void
}

/** Restore a checkpoint of a lab's VMs, and say so to the engine (its consoles on them end). */
export async function restoreCheckpoint(env: LabEnv, domains: string[], checkpoint: string): Promise<void> {
  await checkpointRestore(env.virsh, domains, checkpoint)
  env.restored?.(domains, checkpoint)
}

export function presetOf(state: LabState): Preset {
  const preset = PRESETS.find((p) => p.id === state.definition.preset)
  if (!preset)
    throw new ValidationError([{ path: 'preset', message: `unknown preset ${state.definition.preset}` }])
  return preset
}

export class PipelineError extends EngineFailure {
  constructor(message: string, fix: string | undefined, params: FailureParams & { reason: PipelineReason }) {
    super('pipeline.step', message, { params, fix })
    this.name = 'PipelineError'
  }
}
