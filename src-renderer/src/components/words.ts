// Engine words in the reader's language where the catalogs know them, the engine's own word otherwise:
// job step titles and libvirt's reasons for a VM's state.
import type { Job, JobStep } from '../../../src-shared/jobs'
import { isMessageKey, type Translate } from '../i18n'

/** A step's title in the user's language (install jobs have steps of their own). */
export function stepTitle(kind: Job['kind'], step: JobStep, t: Translate): string {
  const install = kind === 'lab.install' || kind === 'lab.retry'
  const key = `jobs.stepName.${install ? 'install.' : ''}${step.id}`
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
