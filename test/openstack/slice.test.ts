// A short REAL slice of the distribution-packages install, for .ci/run: Debian 12's own OpenStack packages
// (Zed) on real QEMU guests, no test double. The lab is built from the debian-12-openstack template and
// installed through the engine's API up to Glance; then the learner cancels the install (Placement's stage
// has started: its checkpoint taken, maybe its script running in the guest), and what was installed answers
// for real: a Keystone token, an image uploaded to Glance and listed. The cancelled stage counts as failed,
// so a retry goes back to its checkpoint. The whole install, the instance, Horizon and the join are
// `npm run test:openstack` (test/openstack/install.test.ts), too long for CI on this machine.
// Run with `npm run test:openstack:slice` (it sets up the test bed); figures are printed at the end.
// Its first run (2026-12-02) found that a cancel between two stages recorded no failed stage (fixed since);
// it has not yet passed whole, and is not yet a phase of .ci/run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src-main/engine/engine'
import { labFiles, type LabFiles } from '../../src-main/engine/lab/files'
import { jobFinished } from '../helpers'
import { labEngine, labEnvironment } from '../lab/lab-helpers'
import { onLabNode, openstackLab } from './os-lab'

const env = labEnvironment()
const LAB = 'slice'
let engine: Engine
let files: LabFiles
const figures: string[] = []

const onController = (command: string) => onLabNode(engine, files, LAB, 'controller', command)

beforeAll(async () => {
  const made = await labEngine(env)
  engine = made.engine
  files = labFiles(made.paths.data, LAB)
  const t0 = Date.now()
  const job = await engine.api.call('lab.create', { definition: openstackLab(LAB) })
  const done = await jobFinished(engine, job.id)
  expect(done.error).toBeNull()
  figures.push(`lab created (2 nodes, debian-12-openstack): ${Math.round((Date.now() - t0) / 1000)} s`)
}, 30 * 60_000)

afterAll(async () => {
  console.log(`\n::: OpenStack slice figures\n${figures.map((f) => `  ${f}`).join('\n')}`)
  const job = await engine.api.call('lab.delete', { name: LAB }).catch(() => null)
  if (job) await jobFinished(engine, job.id)
  await engine.close()
}, 10 * 60_000)

describe("OpenStack from Debian's packages, a real slice: up to Glance", () => {
  it(
    'installs Keystone and Glance for real, then is cancelled in the next stage, which a retry restores',
    async () => {
      const t0 = Date.now()
      const job = await engine.api.call('lab.install', { name: LAB })
      let cancel: Promise<{ cancelled: boolean }> | null = null
      const end = await jobFinished(engine, job.id, (j) => {
        // Glance is done and checked: the learner stops the install there.
        if (!cancel && j.steps.find((s) => s.id === 'glance')?.state === 'done')
          cancel = engine.api.call('job.cancel', { id: job.id })
      })
      expect(
        cancel,
        `the install ended before Glance was done: ${end.error?.message ?? end.state}`,
      ).not.toBeNull()
      expect(await cancel!).toEqual({ cancelled: true })
      expect(end.state).toBe('cancelled')
      expect(end.steps.find((s) => s.id === 'glance')!.state).toBe('done')
      expect(end.steps.find((s) => s.id === 'nova')!.state).not.toBe('done')
      const st = (await engine.api.call('lab.get', { name: LAB })).install!.stages!
      expect(st.done).toEqual(['prepare', 'infra', 'keystone', 'glance'])
      // Cancelled in Placement's stage: it counts as failed, so a retry restores "pre-placement".
      expect(st.failed).toBe('placement')
      for (const [id, s] of Object.entries(st.seconds)) figures.push(`stage ${id}: ${s} s`)
      figures.push(`install until Glance, then cancelled: ${Math.round((Date.now() - t0) / 1000)} s`)
    },
    60 * 60_000,
  )

  it(
    'answers as far as it was installed: a Keystone token, an image uploaded to Glance and listed',
    async () => {
      const token = JSON.parse(await onController('openstack --os-cloud stacklab token issue -f json')) as {
        id: string
      }
      expect(token.id.length).toBeGreaterThan(20)
      // A learner's way: admin-openrc, then the openstack command (seed 004).
      await onController(
        'head -c 1048576 /dev/urandom > /tmp/slice.img && . /root/admin-openrc && ' +
          'openstack image create --disk-format raw --container-format bare --file /tmp/slice.img slice -f json',
      )
      const images = JSON.parse(
        await onController('. /root/admin-openrc && openstack image list -f json'),
      ) as {
        Name: string
        Status: string
      }[]
      expect(images).toContainEqual(expect.objectContaining({ Name: 'slice', Status: 'active' }))
      // Nothing of the stages after Glance: Placement's API is not there.
      const placement = await onController(
        'openstack --os-cloud stacklab endpoint list --service placement -f value -c ID | wc -l',
      )
      expect(placement.trim()).toBe('0')
    },
    15 * 60_000,
  )

  it(
    'retry runs from the cancelled stage: restoring its checkpoint only if it had begun',
    async () => {
      // The retry's plan, then it is cancelled once connected (the rest is test:openstack's).
      const t0 = Date.now()
      const st = (await engine.api.call('lab.get', { name: LAB })).install!.stages!
      const begun = st.stageStartedAt !== null
      const retry = await engine.api.call('lab.install', { name: LAB, retry: true })
      expect(retry.steps.map((s) => s.id)).toEqual([
        ...(begun ? ['restore'] : []),
        'connect',
        'placement',
        'nova',
        'neutron',
        'horizon',
        'cinder',
      ])
      let cancel: Promise<unknown> | null = null
      const end = await jobFinished(engine, retry.id, (j) => {
        if (!cancel && j.steps.find((s) => s.id === 'connect')?.state === 'done')
          cancel = engine.api.call('job.cancel', { id: retry.id })
      })
      if (begun) expect(end.steps.find((s) => s.id === 'restore')!.detail).toMatch(/back at "pre-placement"/)
      expect(end.state).toBe('cancelled')
      figures.push(
        `retry (${begun ? 'restore, ' : ''}connect), cancelled: ${Math.round((Date.now() - t0) / 1000)} s`,
      )
      // Still at (or back at) the state before Placement: Keystone answers, Placement is still to do.
      expect(await onController('openstack --os-cloud stacklab token issue -f value -c id')).toMatch(/\S{20}/)
      expect((await engine.api.call('lab.get', { name: LAB })).install!.stages!.failed).toBe('placement')
    },
    20 * 60_000,
  )
})
