// Errors that cross the API boundary: a code the UI can switch on, a message a person can read.
import { z } from 'zod'
import { FailureCode, FailureParams, type EngineFailure } from './failures'

export const ApiErrorCode = z.enum([
  'bad-request', // the input failed validation; `issues` names the fields
  'unknown-method',
  'too-large',
  'unauthorized',
  'not-found',
  'already-exists',
  'invalid-state', // the object is in the wrong state for this (e.g. a network that is already active)
  'unreachable', // libvirt (or a node) could not be reached
  'unsupported', // this connection or driver cannot do it
  'permission',
  'timeout',
  'cancelled',
  'exit', // a tool ran and failed
  'internal',
])
export type ApiErrorCode = z.infer<typeof ApiErrorCode>

export const ApiErrorShape = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** Field-level problems for `bad-request`: path like `imagesDir`, message. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** What to do about it, when the engine knows. */
  fix: z.string().optional(),
  /** The engine failure behind it: its code and parameters, for a translated sentence. */
  failure: z.object({ code: FailureCode, params: FailureParams }).optional(),
})
export type ApiErrorShape = z.infer<typeof ApiErrorShape>

export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly issues: { path: string; message: string }[] | undefined
  readonly fix: string | undefined
  readonly failure: ApiErrorShape['failure']
  constructor(shape: ApiErrorShape) {
    super(shape.message)
    this.name = 'ApiError'
    this.code = shape.code
    this.issues = shape.issues
    this.fix = shape.fix
    this.failure = shape.failure
  }
  toJSON(): ApiErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.issues ? { issues: this.issues } : {}),
      ...(this.fix !== undefined ? { fix: this.fix } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
    }
  }
}

/** The one table from an engine failure's code to the API code a caller switches on. */
export const API_CODE_OF = {
  validation: 'bad-request',
  'libvirt.not-found': 'not-found',
  'libvirt.already-exists': 'already-exists',
  'libvirt.permission': 'permission',
  'libvirt.invalid-state': 'invalid-state',
  'libvirt.unreachable': 'unreachable',
  'libvirt.no-driver': 'unreachable',
  'libvirt.tool-missing': 'not-found',
  'libvirt.unsupported': 'unsupported',
  'libvirt.host-key': 'permission',
  'libvirt.timeout': 'timeout',
  'libvirt.cancelled': 'cancelled',
  'libvirt.other': 'exit',
  'exec.not-found': 'not-found',
  'exec.permission': 'permission',
  'exec.timeout': 'timeout',
  'exec.exit': 'exit',
  'exec.cancelled': 'cancelled',
  'ssh.unreachable': 'unreachable',
  'ssh.auth': 'permission',
  'ssh.host-key': 'permission', // its own failure code says which refusal it was
  'ssh.timeout': 'timeout',
  'guest.command': 'exit',
  'pipeline.step': 'exit',
  install: 'invalid-state',
} as const satisfies Record<FailureCode, ApiErrorCode>

/** An engine failure as an API error; `message` is what the caller shows (by default the failure's own). */
export function apiErrorOf(failure: EngineFailure, message = failure.message): ApiError {
  return new ApiError({
    code: API_CODE_OF[failure.code],
    message,
    ...(failure.fix !== undefined ? { fix: failure.fix } : {}),
    failure: { code: failure.code, params: failure.params },
  })
}

/** Turn zod issues into `path: message` pairs that name the field. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(input)',
    message: i.message,
  }))
}
