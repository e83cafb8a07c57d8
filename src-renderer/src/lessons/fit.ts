// What a lesson needs and why a lab cannot take it, in words the page says (the reasons themselves come from
// src-shared/lesson-fit.ts, the engine's too). Pure (no DOM), so it is tested in Node.
import type { LessonProgress, LessonSummary } from '../../../src-shared/lesson'
import type { Unfit } from '../../../src-shared/lesson-fit'
import type { Translate } from '../i18n'

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
  for (const n of needs.nodes ?? [])
    parts.push(t('lessons.needs.node', { name: n.name, role: t(`lessons.role.${n.role}`) }))
  return t('lessons.needs', { what: parts.join(t('lessons.needs.and')) })
}

/** Why a lab cannot take a lesson, as sentences. */
export function unfitText(unfit: Unfit[], t: Translate): string {
  return unfit
    .map((u) =>
      u.why === 'role'
        ? t('lessons.why.role', { role: t(`lessons.role.${u.role}`) })
        : u.why === 'node'
          ? t('lessons.why.node', { name: u.name, role: t(`lessons.role.${u.role}`) })
          : t(`lessons.why.${u.why}`),
    )
    .join(' ')
}

/** Tasks passed of a lesson's progress. */
export function passedCount(progress: LessonProgress | null | undefined): number {
  return Object.values(progress?.tasks ?? {}).filter((p) => p.verdict === 'passed').length
}
