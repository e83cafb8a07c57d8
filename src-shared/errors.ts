// Errors that cross the API boundary: a code the UI can switch on, a message a person can read.
import { z } from 'zod'

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
})
export type ApiErrorShape = z.infer<typeof ApiErrorShape>

export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly issues: { path: string; message: string }[] | undefined
  constructor(shape: ApiErrorShape) {
    super(shape.message)
    this.name = 'ApiError'
    this.code = shape.code
    this.issues = shape.issues
  }
  toJSON(): ApiErrorShape {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message }
  }
}

/** Turn zod issues into `path: message` pairs that name the field. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(input)',
    message: i.message,
  }))
}
