// The "distribution packages" install method: OpenStack from the distribution's own packages, configured by
// Stacklab the way seed 004 and the OpenStack install guide do it by hand, one service per stage. This is
// the plan, and only the plan (no I/O): for each stage, the config files Stacklab writes (shown to the user
// as they are), the script each node runs, and the real calls that prove the stage worked before the next
// one starts. install/debian/run.ts carries it out with a lab checkpoint before every stage.
import type { LabDefinition } from '../../../../src-shared/lab'
import { debianStagesOf } from '../../../../src-shared/install'
import { planContext, type CloudSecrets, type PlanContext, type Stage } from './common'
import { coreStages } from './stages-core'
import { computeStages } from './stages-compute'
import { dashboardStages } from './stages-dashboard'
import { storageStages } from './stages-storage'

/** The whole plan for a lab, in seed 004's order (Cinder where the controller has a data disk for it). */
export function debianPlan(def: LabDefinition, secrets: CloudSecrets): Stage[] {
  return stagesFor(planContext(def, secrets))
}

function stagesFor(x: PlanContext): Stage[] {
  const wanted = new Set(debianStagesOf(x.def).map((s) => s.id))
  return [...coreStages(x), ...computeStages(x), ...dashboardStages(x), ...storageStages(x)].filter((s) =>
    wanted.has(s.id),
  )
}

/**
 * A compute node added to the installed lab, joined as seed 000 adds `compute1` by hand: of every stage, only
 * what runs on that node (its package source, nova-compute, OVS and ovn-controller, iscsid), then the
 * controller's discover_hosts, and the checks that name compute nodes, asked about this one alone. Nothing
 * else on the controller runs again: the cloud stays as it is.
 */
export function debianJoinPlan(def: LabDefinition, secrets: CloudSecrets, node: string): Stage[] {
  const added = def.nodes.find((n) => n.name === node)
  if (!added || added.role !== 'compute') throw new Error(`${node} is not a compute node of lab ${def.name}`)
  return stagesFor({ ...planContext(def, secrets), computes: [added] })
    .map((s) => ({
      ...s,
      packages: s.packages.filter((p) => p.node === node),
      files: s.files.filter((f) => f.node === node),
      scripts: s.scripts.filter((r) => r.node === node || r.join),
      checks: s.checks.filter((c) => c.join),
    }))
    .filter((s) => s.packages.length || s.files.length || s.scripts.length)
}
