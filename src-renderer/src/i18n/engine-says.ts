// Sentences the engine sends as keys with parameters, taken in from their one table in src-shared (the
// engine writes its English text from the same table): preflight summaries and hints as `preflight.says.*`,
// lab status problems as `status.problem.*`.
import { PREFLIGHT_SAYS } from '../../../src-shared/preflight-says'
import { STATUS_SAYS, type StatusProblemCode } from '../../../src-shared/status-says'
import { catalog } from './catalog'

function prefixed<P extends string, K extends string>(
  prefix: P,
  sentences: Record<K, string>,
): Record<`${P}${K}`, string> {
  const out: Record<string, string> = {}
  for (const [key, text] of Object.entries<string>(sentences)) out[`${prefix}${key}`] = text
  return out
}

export const preflightSays = catalog({
  en: prefixed('preflight.says.', PREFLIGHT_SAYS.en),
  ko: prefixed('preflight.says.', PREFLIGHT_SAYS.ko),
})

export const statusSays = catalog({
  en: prefixed<'status.problem.', StatusProblemCode>('status.problem.', STATUS_SAYS.en),
  ko: prefixed<'status.problem.', StatusProblemCode>('status.problem.', STATUS_SAYS.ko),
})
