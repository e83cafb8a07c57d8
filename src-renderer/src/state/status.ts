// OpenStack status of each lab as the engine last reported it. The engine sends every report it makes as a
// `lab.status` event, whoever asked for it (this window's Install page, another window on the same engine):
// the Install page's status and the topology's health marks read the same reports.
import { create } from 'zustand'
import { useShallow } from 'zustand/react/shallow'
import {
  instancesOn,
  newestNodeReport,
  type Instance,
  type LabStatusReport,
} from '../../../src-shared/install'
import { call, onApi } from '../api/current'
import { shownFailure, type ShownFailure } from '../components/words'
import type { ServiceHealth } from '../components/badges'

interface StatusState {
  /** The latest report per lab. */
  reports: Record<string, LabStatusReport>
  /** Labs whose status is being checked at this window's request. */
  checking: Record<string, boolean>
  /** Why the last check this window asked for failed, per lab. */
  errors: Record<string, ShownFailure | null>
  /** Ask the engine to check a lab (SSH to every node, the OpenStack APIs). */
  refresh: (lab: string) => Promise<void>
}

function put(report: LabStatusReport) {
  useLabStatus.setState((s) => {
    const known = s.reports[report.lab]
    // Reports can cross (two checks at once): the one checked last stays.
    if (known && known.checkedAt > report.checkedAt) return {}
    return { reports: { ...s.reports, [report.lab]: report } }
  })
}

export const useLabStatus = create<StatusState>()((set) => ({
  reports: {},
  checking: {},
  errors: {},
  async refresh(lab) {
    set((s) => ({ checking: { ...s.checking, [lab]: true }, errors: { ...s.errors, [lab]: null } }))
    try {
      // The event brings the same report; the answer is put too, in case this window's subscription is
      // not in place yet.
      put(await call('lab.status', { name: lab }))
    } catch (error) {
      set((s) => ({ errors: { ...s.errors, [lab]: shownFailure(error) } }))
    } finally {
      set((s) => ({ checking: { ...s.checking, [lab]: false } }))
    }
  },
}))

/** A VM's OpenStack health: from the newest report that has it as a node, `unknown` without one. */
export function healthOf(reports: Record<string, LabStatusReport>, domain: string): ServiceHealth {
  return newestNodeReport(reports, domain)?.node.health ?? 'unknown'
}

export function useHealth(domain: string): ServiceHealth {
  return useLabStatus((s) => healthOf(s.reports, domain))
}

onApi((api) => {
  api.on('lab.status', put)
})

/** The instances on a VM (a new list per call, so compared item by item: the view changes only with them). */
export function useInstances(domain: string): Instance[] {
  return useLabStatus(useShallow((s) => instancesOn(s.reports, domain)))
}
