// Whether a lab can take a lesson, as reasons the engine and the Lessons page both give (the engine in
// English when it refuses `lesson.start` or cannot check; the page in the reader's language before the
// learner asks): the lab built, installed the way the lesson is written for (packstack or Debian's own
// packages), OpenStack installed, nodes of the roles the lesson uses, and the nodes it names. One function, so
// the two agree.
import { openstackInstalled } from './install'
import { installerOf, presetById, type LabState, type LabSummary } from './lab'
import type { Lesson } from './lesson'

export type Unfit =
  | { why: 'notReady' }
  | { why: 'packstack' }
  | { why: 'packages' }
  | { why: 'openstack' }
  | { why: 'role'; role: Lesson['needs']['roles'][number] }
  | { why: 'node'; name: string; role: Lesson['needs']['nodes'][number]['role'] }

/**
 * What keeps `lab` from taking a lesson with these needs (nothing: it can). `state` is the lab's record when
 * the caller has read it: without it, whether OpenStack is installed is not judged.
 */
export function unfitFor(
  needs: Lesson['needs'],
  lab: Pick<LabSummary, 'status' | 'preset' | 'nodes'>,
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
  for (const { name, role } of needs.nodes ?? [])
    if (!lab.nodes.some((n) => n.name === name && n.role === role)) found.push({ why: 'node', name, role })
  return found
}
