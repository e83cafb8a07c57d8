// Lab delete against the run's libvirtd (test driver): the VMs and networks the lab's records list go, by
// the exact object each name is (a lab VM named like another VM's UUID removes itself, not that VM), one
// already gone is no error, and nothing the records do not list is touched (the `default` network never is).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { LabDefinition, defaultLab, type LabState } from '../../src-shared/lab'
import type { Engine } from '../../src-main/engine/engine'
import { newLabState } from '../../src-main/engine/lab/journal'
import { LabStore } from '../../src-main/engine/lab/store'
import { tempDir, tempPaths, testEngine } from '../helpers'

describe('lab delete removes exactly what its records list (libvirtd test driver)', () => {
  const { testUri } = inject('libvirt')
  let engine: Engine
  let dir: ReturnType<typeof tempDir>
  const virsh = (...args: string[]) =>
    execFileSync('virsh', ['-c', testUri, ...args], { encoding: 'utf8', stdio: 'pipe' })
  const define = (kind: 'define' | 'net-define', xml: string) => {
    const file = join(dir.dir, 'object.xml')
    writeFileSync(file, xml)
    virsh(kind, file)
  }
  const domainXml = (name: string, uuid?: string) =>
    `<domain type='test'><name>${name}</name>${uuid ? `<uuid>${uuid}</uuid>` : ''}<memory>65536</memory><os><type>hvm</type></os></domain>`
  const VICTIM_UUID = '0a1b2c3d-0000-4000-8000-00000000d1e7'
  /** The UUID of the domain with exactly this name (virsh would take a UUID-like name as a UUID). */
  const uuidOf = (name: string) =>
    virsh('list', '--all', '--uuid', '--name')
      .split('\n')
      .find((l) => l.slice(37) === name)!
      .slice(0, 36)

  beforeAll(async () => {
    dir = tempDir('stacklab-lab-delete-')
    mkdirSync(join(dir.dir, 'images'))
    engine = testEngine(dir.dir)
    await engine.call('settings.update', { connectionUri: testUri, imagesDir: join(dir.dir, 'images') })
  })
  afterAll(async () => {
    for (const args of [
      ['destroy', 'ld-victim'],
      ['undefine', 'ld-victim'],
      ['destroy', 'ld-other'],
      ['undefine', 'ld-other'],
    ])
      try {
        virsh(...args)
      } catch {
        /* removed by the test, or never made */
      }
    await engine.close()
    dir.cleanup()
  })

  it('removes its running and stopped VMs and its network, leaves the rest', async () => {
    // Someone else's VMs: one running whose UUID is the name of one of the lab's VMs, one stopped.
    define('define', domainXml('ld-victim', VICTIM_UUID))
    virsh('start', 'ld-victim')
    define('define', domainXml('ld-other'))
    // The lab's own: a running VM named like the victim's UUID (with a snapshot), a stopped one, a network.
    define('define', domainXml(VICTIM_UUID))
    const own = uuidOf(VICTIM_UUID)
    virsh('start', own)
    virsh('snapshot-create-as', '--domain', own, '--name', 'fresh')
    define('define', domainXml('ld-compute'))
    define(
      'net-define',
      "<network><name>ld-int</name><ip address='192.168.78.1' netmask='255.255.255.0'/></network>",
    )
    virsh('net-start', 'ld-int')

    const state: LabState = {
      ...newLabState(LabDefinition.parse(defaultLab('ld')), 'qemu'),
      status: 'ready',
    }
    state.resources.domains = [VICTIM_UUID, 'ld-gone']
    state.resources.networks = ['default', 'ld-int']
    state.resources.intents = [{ kind: 'domain', name: 'ld-compute' }]
    await new LabStore(tempPaths(dir.dir).data).save(state)

    const job = await engine.api.call('lab.delete', { name: 'ld' })
    await engine.labs.settled('ld')
    const done = (await engine.jobs.list()).find((j) => j.id === job.id)!
    expect(done.error).toBeNull()
    expect(done.state).toBe('succeeded')
    expect(done.steps.find((s) => s.id === 'resources')?.detail).toBe(
      `domain ${VICTIM_UUID}, domain ld-compute, network ld-int`,
    )

    const domains = virsh('list', '--all', '--name').split('\n').filter(Boolean).sort()
    expect(domains).toContain('ld-victim')
    expect(domains).toContain('ld-other')
    expect(domains).not.toContain(VICTIM_UUID)
    expect(domains).not.toContain('ld-compute')
    expect(virsh('domstate', 'ld-victim').trim()).toBe('running')
    const networks = virsh('net-list', '--all', '--name').split('\n').filter(Boolean)
    expect(networks).toContain('default')
    expect(networks).not.toContain('ld-int')
    expect(await engine.call('labs.list', {})).toEqual([])
  })
})
