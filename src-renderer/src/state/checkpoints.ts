// Lab checkpoints and snapshot trees of the VMs the Checkpoints page shows: read from libvirt for those
// VMs, and read again after every action taken here (libvirt sends no event when a snapshot is made or
// deleted). Which VMs exist and which labs own them are the main store's.
import { create } from 'zustand'
import type { Checkpoint, SnapshotNode } from '../../../src-shared/libvirt'
import { call } from '../api/current'
import { shownFailure, type ShownFailure } from '../components/words'

interface CheckpointsState {
  /** The VMs checkpoints are taken over (the chosen lab's, or those picked). */
  members: string[]
  /** Those of them that exist: the ones whose checkpoints and snapshots are read. */
  present: string[]
  /** Lab checkpoints over the present VMs, oldest first. */
  checkpoints: Checkpoint[]
  /** Each present VM's snapshots. */
  snapshots: Record<string, SnapshotNode[]>
  busy: boolean
  /** Why reading failed, or why the last action failed (until the next one). */
  loadError: ShownFailure | null
  actionError: ShownFailure | null
  /** Look at these VMs (read again only when the list changes). */
  show: (members: string[], present: string[]) => void
  reload: () => Promise<void>
  createCheckpoint: (name: string, description: string) => Promise<boolean>
  restoreCheckpoint: (name: string) => Promise<boolean>
  deleteCheckpoint: (name: string) => Promise<boolean>
  createSnapshot: (domain: string, name: string) => Promise<boolean>
  revertSnapshot: (domain: string, name: string) => Promise<boolean>
  deleteSnapshot: (domain: string, name: string) => Promise<boolean>
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i])

/** Reads in flight: only the newest one's answer is kept. */
let reading = 0

export const useCheckpoints = create<CheckpointsState>()((set, get) => {
  /** Run an action; its error stays shown until the next one, and the trees are read again after it. */
  const act = async (work: () => Promise<unknown>): Promise<boolean> => {
    set({ busy: true, actionError: null })
    try {
      await work()
      return true
    } catch (error) {
      set({ actionError: shownFailure(error) })
      return false
    } finally {
      set({ busy: false })
      await get().reload()
    }
  }
  return {
    members: [],
    present: [],
    checkpoints: [],
    snapshots: {},
    busy: false,
    loadError: null,
    actionError: null,
    show(members, present) {
      if (same(members, get().members) && same(present, get().present)) return
      set({ members, present, actionError: null })
      void get().reload()
    },
    async reload() {
      const mine = ++reading
      const { present } = get()
      try {
        const [cps, ...trees] = present.length
          ? await Promise.all([
              call('checkpoints.list', { domains: present }),
              ...present.map((d) => call('snapshots.list', { name: d })),
            ])
          : [[]]
        if (mine !== reading) return
        set({
          checkpoints: cps.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
          snapshots: Object.fromEntries(present.map((d, i) => [d, trees[i]!])),
          loadError: null,
        })
      } catch (error) {
        if (mine === reading) set({ loadError: shownFailure(error) })
      }
    },
    createCheckpoint: (name, description) =>
      act(() => call('checkpoint.create', { domains: get().members, name, description })),
    restoreCheckpoint: (name) => act(() => call('checkpoint.restore', { domains: get().members, name })),
    deleteCheckpoint: (name) => act(() => call('checkpoint.delete', { domains: get().members, name })),
    createSnapshot: (domain, name) => act(() => call('snapshot.create', { domain, name, description: '' })),
    revertSnapshot: (domain, name) => act(() => call('snapshot.revert', { domain, name, state: 'as-taken' })),
    deleteSnapshot: (domain, name) => act(() => call('snapshot.delete', { domain, name })),
  }
})
