// What preflight checks say, by key: the one table in src-shared/preflight-says.ts (the engine writes its
// English sentences from it), taken in as this app's `preflight.says.*` keys.
import { PREFLIGHT_SAYS, type PreflightSayKey } from '../../../src-shared/preflight-says'
import { catalog } from './catalog'

type Key = `preflight.says.${PreflightSayKey}`

function prefixed(sentences: Record<PreflightSayKey, string>): Record<Key, string> {
  const out: Partial<Record<Key, string>> = {}
  for (const [key, text] of Object.entries(sentences) as [PreflightSayKey, string][])
    out[`preflight.says.${key}`] = text
  return out as Record<Key, string>
}

export const preflightSays = catalog({ en: prefixed(PREFLIGHT_SAYS.en), ko: prefixed(PREFLIGHT_SAYS.ko) })
