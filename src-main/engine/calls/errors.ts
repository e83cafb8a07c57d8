// How a failure inside a call reaches the caller: as an ApiError with a stable code. Errors the engine
// knows keep their meaning (a libvirt "not found" stays not-found); anything else is logged and answered
// as internal, without its stack.
import { ApiError } from '../../../src-shared/errors'
import { ExecError } from '../exec'
import { InstallError } from '../install/install'
import { LibvirtError } from '../libvirt/errors'
import { ValidationError } from '../libvirt/network'
import type { Logger } from '../log'

const LIBVIRT_CODES = {
  'not-found': 'not-found',
  'already-exists': 'already-exists',
  permission: 'permission',
  'invalid-state': 'invalid-state',
  unreachable: 'unreachable',
  'no-driver': 'unreachable',
  'tool-missing': 'not-found',
  unsupported: 'unsupported',
  'host-key': 'permission',
  timeout: 'timeout',
  cancelled: 'cancelled',
  other: 'exit',
} as const satisfies Record<LibvirtError['kind'], ApiError['code']>

export function toApiError(method: string, error: unknown, logger: Logger): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof ValidationError) {
    return new ApiError({
      code: 'bad-request',
      message: `Invalid input for ${method}: ${error.message}`,
      issues: error.issues,
    })
  }
  if (error instanceof InstallError)
    return new ApiError({ code: 'invalid-state', message: `${error.message}. ${error.fix}` })
  if (error instanceof LibvirtError)
    return new ApiError({ code: LIBVIRT_CODES[error.kind], message: error.message })
  if (error instanceof ExecError) {
    return new ApiError({
      code: error.kind === 'not-found' ? 'not-found' : error.kind,
      message: error.message,
    })
  }
  const e = error instanceof Error ? error : null
  logger.log('error', 'call failed', { method, error: e?.message, stack: e?.stack })
  if (e?.name === 'ZodError')
    return new ApiError({ code: 'internal', message: `Engine produced invalid output for ${method}` })
  return new ApiError({ code: 'internal', message: e?.message ?? String(error) })
}
