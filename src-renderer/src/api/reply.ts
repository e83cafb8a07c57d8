// Turning an engine's error reply back into an ApiError the UI can show.
import type { BridgeReply } from '../../../src-shared/api'
import { ApiError } from '../../../src-shared/errors'

export function toApiError(reply: Extract<BridgeReply, { ok: false }>): ApiError {
  const { code, message, issues } = reply.error
  return new ApiError({ code, message, ...(issues ? { issues } : {}) })
}
