// The engine's typed failures, in one place: a stable code the UI can translate, parameters (plain JSON
// values) to fill its sentence, the English message, what to do about it and details (a command's stderr).
// It lives in src-shared so the renderer reads the same codes and parameters the engine writes.
import { z } from 'zod'

export const FailureCode = z.enum([
  'validation', // the input failed validation; params.issues names the fields
  'libvirt.not-found',
  'libvirt.already-exists',
  'libvirt.permission',
  'libvirt.invalid-state',
  'libvirt.unreachable',
  'libvirt.no-driver',
  'libvirt.tool-missing',
  'libvirt.unsupported',
  'libvirt.host-key',
  'libvirt.timeout',
  'libvirt.cancelled',
  'libvirt.other',
  'exec.not-found', // the program is not installed
  'exec.permission',
  'exec.timeout',
  'exec.exit', // it ran and failed
  'exec.cancelled',
  'ssh.unreachable', // nothing answers SSH at the node's address
  'ssh.auth', // the node refused the lab's key
  'ssh.host-key', // the node's host key is not the one Stacklab recorded
  'ssh.timeout', // the node did not answer SSH in time
  'guest.command', // a command on a node exited non-zero
  'pipeline.step', // a step of building or deleting a lab failed
  'install', // installing OpenStack failed
])
export type FailureCode = z.infer<typeof FailureCode>

/** The stories of the codes that have several: said as `params.reason`, translated by code and reason. */
export const FAILURE_REASONS = {
  'pipeline.step': [
    'host-not-ready',
    'network-clash',
    'foreign-disk',
    'nothing-removed',
    'disk-too-small',
    'cloud-image',
  ],
  install: [
    'answers-misfit',
    'packstack-failed',
    'packstack-unfinished',
    'discover-failed', // nova-manage cell_v2 discover_hosts failed after a compute node joined
    'compute-missing', // the joined node's nova-compute is not in `openstack compute service list`
    'compute-down', // it is listed, but not up
    'stage-failed', // distribution-packages install: a stage's script exited non-zero
    'stage-check-failed', // its script ran, but a real call afterwards says the service does not work
  ],
} as const satisfies Partial<Record<FailureCode, readonly string[]>>
export type PipelineReason = (typeof FAILURE_REASONS)['pipeline.step'][number]
export type InstallReason = (typeof FAILURE_REASONS)['install'][number]

/** A parameter: what a translated sentence may quote. */
export const FailureParam = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.object({ path: z.string(), message: z.string() })),
])
export type FailureParam = z.infer<typeof FailureParam>
export const FailureParams = z.record(z.string(), FailureParam)
export type FailureParams = z.infer<typeof FailureParams>

/** The base of every engine error class: each class names its code and what it knows. */
export class EngineFailure extends Error {
  readonly code: FailureCode
  readonly params: FailureParams
  readonly fix: string | undefined
  readonly details: string | undefined
  constructor(
    code: FailureCode,
    message: string,
    init: { params?: FailureParams; fix?: string | undefined; details?: string | undefined } = {},
  ) {
    super(message)
    this.name = 'EngineFailure'
    this.code = code
    this.params = init.params ?? {}
    this.fix = init.fix
    this.details = init.details
  }
}

/** A command on a lab node that exited non-zero (its output, masked, is in the message and details). */
export class GuestCommandError extends EngineFailure {
  constructor(program: string, exitCode: number | null, output: string) {
    super('guest.command', `${program} failed (exit ${exitCode}): ${output}`, {
      params: { program, exitCode, output },
      details: output,
    })
    this.name = 'GuestCommandError'
  }
}
