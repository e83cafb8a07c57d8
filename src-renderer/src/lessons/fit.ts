// Whether a lab can take a lesson, and why not in words the page says: the lab built, installed the way the
// lesson is written for (packstack or Debian's own packages), OpenStack installed, and nodes of the roles the
// lesson uses. The engine refuses `lesson.start` on its own; this only says so before the learner asks.
// Pure (no DOM), so it is tested in Node.
import { debianStagesOf, installed } from '../../../src-shared/install'
import { installerOf, presetById, type LabState, type LabSummary } from '../../../src-shared/lab'
import type { LessonProgress, LessonSummary } from '../../../src-shared/lesson'
import type { Translate } from '../i18n'

export type Unfit =
  | { why: 'notReady' }
  | { why: 'packstack' }
  | { why: 'packages' }
  | { why: 'openstack' }
  | { why: 'role'; role: LessonSummary['needs']['roles'][number] }

/** OpenStack is on the lab: packstack's install succeeded, or every stage of the packages install is done. */
export function openstackInstalled(state: Pick<LabState, 'install' | 'definition'>): boolean {
  if (installed(state.install)) return true
  const stages = state.install?.stages
  return (
    !!stages &&
    !stages.current &&
    !stages.failed &&
    debianStagesOf(state.definition).every((s) => stages.done.includes(s.id))
  )
}

/**
 * What keeps `lab` from taking the lesson (nothing: it can). `state` is the lab's record when the page has
 * read it: without it, whether OpenStack is installed is not judged yet.
 */
export function unfitFor(
  needs: LessonSummary['needs'],
  lab: LabSummary,
  state: Pick<LabState, 'install' | 'definition'> | null,
): Unfit[] {
  const found: Unfit[] = []
  if (lab.status !== 'ready') found.push({ why: 'notReady' })
  const preset = presetById(lab.preset)
  const installer = preset ? installerOf(preset) : null
  if (installer && !needs.installers.includes(installer))
    found.push({ why: installer === 'packstack' ? 'packages' : 'packstack' })
  if (needs.openstack && state && !openstackInstalled(state)) found.push({ why: 'openstack' })
  for (const role of needs.roles)
    if (!lab.nodes.some((n) => n.role === role)) found.push({ why: 'role', role })
  return found
}

/** What a lesson needs, as one phrase list. */
export function needsText(needs: LessonSummary['needs'], t: Translate): string {
  const parts: string[] = []
  const both = needs.installers.includes('packstack') && needs.installers.includes('packages')
  parts.push(
    both
      ? t('lessons.needs.either')
      : t(needs.installers[0] === 'packstack' ? 'lessons.needs.packstack' : 'lessons.needs.packages'),
  )
  if (needs.openstack) parts.push(t('lessons.needs.openstack'))
  for (const role of needs.roles)
    if (role !== 'controller') parts.push(t('lessons.needs.role', { role: t(`lessons.role.${role}`) }))
  return t('lessons.needs', { what: parts.join(t('lessons.needs.and')) })
}

/** Why a lab cannot take a lesson, as sentences. */
export function unfitText(unfit: Unfit[], t: Translate): string {
  return unfit
    .map((u) =>
      u.why === 'role'
        ? t('lessons.why.role', { role: t(`lessons.role.${u.role}`) })
        : t(`lessons.why.${u.why}`),
    )
    .join(' ')
}

/** Tasks passed of a lesson's progress. */
export function passedCount(progress: LessonProgress | null | undefined): number {
  return Object.values(progress?.tasks ?? {}).filter((p) => p.verdict === 'passed').length
}
