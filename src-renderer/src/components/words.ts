// Engine words in the reader's language where the catalogs know them, the engine's own word otherwise:
// job step titles and libvirt's reasons for a VM's state.
import type { Job, JobStep } from '../../../src-shared/jobs'
import type { FailureParams } from '../../../src-shared/failures'
import { ApiError } from '../../../src-shared/errors'
import type { Said } from '../../../src-shared/preflight-says'
import type { StatusProblem } from '../../../src-shared/status-says'
import { isMessageKey, translate, type Lang, type Translate, type Vars } from '../i18n'

/** A step's title in the user's language (install and lesson jobs have steps of their own). */
export function stepTitle(kind: Job['kind'], step: JobStep, t: Translate): string {
  const install = kind === 'lab.install' || kind === 'lab.retry'
  const area = install ? 'install.' : kind.startsWith('lesson.') ? `${kind}.` : ''
  const key = `jobs.stepName.${area}${step.id}`
  return isMessageKey(key) ? t(key) : step.title
}

/** libvirt's reason for a state (`booted`, `destroyed`...), or null when it says nothing (`unknown`). */
export function reasonText(reason: string, t: Translate): string | null {
  if (!reason || reason === 'unknown') return null
  const key = `reason.${reason
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`
  return isMessageKey(key) ? t(key) : reason
}

/** A failure's parameters as text for a sentence; a list of field issues reads `path: message; ...`. */
function failureVars(params: FailureParams | undefined): Vars {
  const vars: Vars = {}
  for (const [name, value] of Object.entries(params ?? {}))
    vars[name] = Array.isArray(value) ? value.map((i) => `${i.path}: ${i.message}`).join('; ') : String(value)
  return vars
}

/** An error as pages keep it: a job's error, or what a call was answered with (its failure, if any). */
export type ShownFailure = NonNullable<Job['error']>

/** What a page keeps of an error a call rejected with: its English message, fix, and failure to translate. */
export function shownFailure(error: unknown): ShownFailure {
  if (!(error instanceof ApiError)) return { message: error instanceof Error ? error.message : String(error) }
  const shown: ShownFailure = { message: error.message }
  if (error.fix !== undefined) shown.fix = error.fix
  if (error.failure) {
    shown.code = error.failure.code
    shown.params = error.failure.params
  }
  return shown
}

/**
 * An engine failure (a job's error) in the reader's language: translated by its code and parameters where
 * the catalogs know the code; the engine's English message and fix otherwise, and always in English mode
 * (the engine's sentence is the English one). Any other fix (a command line) stays as it is.
 */
export function failureText(
  error: ShownFailure,
  lang: Lang,
  t: Translate,
): { message: string; fix: string | undefined } {
  if (lang === 'en' || !error.code) return { message: error.message, fix: error.fix }
  const vars = failureVars(error.params)
  // A failure of a kind with several stories (a pipeline step, an install) names its reason.
  const reason = error.params?.['reason']
  const specific = `failure.${error.code}.${typeof reason === 'string' ? reason : ''}`
  const key = typeof reason === 'string' && isMessageKey(specific) ? specific : `failure.${error.code}`
  const fixKey = `${key}.fix`
  return {
    message: isMessageKey(key) ? t(key, vars) : error.message,
    // A job may give a fix of its own (a command to run again) for a failure that has one: only the
    // failure's own fix, said the same in English, is translated.
    fix:
      error.fix !== undefined && isMessageKey(fixKey) && translate('en', fixKey, vars) === error.fix
        ? t(fixKey, vars)
        : error.fix,
  }
}

/**
 * Sentences the engine sent as keys (a preflight summary or hint) in the reader's language; the engine's
 * English text in English mode, when it sent no keys, or when one key is unknown here (a newer engine).
 */
export function saidText(
  said: readonly Said[] | undefined,
  english: string,
  lang: Lang,
  t: Translate,
): string {
  if (lang === 'en' || !said?.length) return english
  const parts: string[] = []
  for (const s of said) {
    const key = `preflight.says.${s.key}`
    if (!isMessageKey(key)) return english
    parts.push(t(key, s.params))
  }
  return parts.join(' ')
}

/** A lab status problem in the reader's language; a VM state word is said as the topology says it. */
export function statusProblemText(problem: StatusProblem, lang: Lang, t: Translate): string {
  const key = `status.problem.${problem.code}`
  if (lang === 'en' || !isMessageKey(key)) return problem.message
  const vars: Vars = { ...problem.params }
  const state = `state.${problem.params['state'] ?? ''}`
  if (problem.code === 'vm-state' && isMessageKey(state)) vars['state'] = t(state)
  return t(key, vars)
}
