// How a failure inside a call reaches the caller: as an ApiError with a stable code. Every engine failure
// (src-shared/failures) maps through the one table there and keeps its fix, code and parameters; a
// validation failure names the call; anything else is logged and answered as internal, without its stack.
import { ApiError, apiErrorOf } from '../../../src-shared/errors'
import { EngineFailure } from '../../../src-shared/failures'
import { InstallError } from '../install/steps'
import { ValidationError } from '../libvirt/network'
import type { Logger } from '../log'

export function toApiError(method: string, error: unknown, logger: Logger): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof ValidationError) {
    return new ApiError({
      code: 'bad-request',
      message: `Invalid input for ${method}: ${error.message}`,
      issues: error.issues,
      failure: { code: error.code, params: error.params },
    })
  }
  // The install's message has always carried its fix (callers that show only the message still say it).
  if (error instanceof InstallError) return apiErrorOf(error, `${error.message}. ${error.fix}`)
  if (error instanceof EngineFailure) return apiErrorOf(error)
  const e = error instanceof Error ? error : null
  logger.log('error', 'call failed', { method, error: e?.message, stack: e?.stack })
  if (e?.name === 'ZodError')
    return new ApiError({ code: 'internal', message: `Engine produced invalid output for ${method}` })
  return new ApiError({ code: 'internal', message: e?.message ?? String(error) })
}
