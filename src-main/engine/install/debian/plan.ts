// The "distribution packages" install method: OpenStack from the distribution's own packages, configured by
// Stacklab the way seed 004 and the OpenStack install guide do it by hand, one service per stage. This is
// the plan, and only the plan (no I/O): for each stage, the config files Stacklab writes (shown to the user
// as they are), the script each node runs, and the real calls that prove the stage worked before the next
// one starts. install/debian/run.ts carries it out with a lab checkpoint before every stage.
import type { LabDefinition } from '../../../../src-shared/lab'
import { debianStagesOf } from '../../../../src-shared/install'
import { planContext, type CloudSecrets, type Stage } from './common'
import { coreStages } from './stages-core'
import { computeStages } from './stages-compute'
import { dashboardStages } from './stages-dashboard'
import { storageStages } from './stages-storage'

/** The whole plan for a lab, in seed 004's order (Cinder where the controller has a data disk for it). */
export function debianPlan(def: LabDefinition, secrets: CloudSecrets): Stage[] {
  const x = planContext(def, secrets)
  const wanted = new Set(debianStagesOf(def).map((s) => s.id))
  return [...coreStages(x), ...computeStages(x), ...dashboardStages(x), ...storageStages(x)].filter((s) =>
    wanted.has(s.id),
  )
}
