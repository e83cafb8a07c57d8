// The packstack calls through the engine's one gate: explain, answers.read / update (errors name the key,
// as bad-request issues) and answers.check against a lab the engine's store holds.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApiError } from '../../src-shared/errors'
import { LabDefinition, LabState, defaultLab } from '../../src-shared/lab'
import { LabStore } from '../../src-main/engine/lab/store'
import { newLabState } from '../../src-main/engine/lab/journal'
import { rejection, tempDir, tempPaths, testEngine } from '../helpers'

let t: ReturnType<typeof tempDir>
beforeEach(() => (t = tempDir()))
afterEach(() => t.cleanup())

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/packstack', name), 'utf8')

async function saveLab(virtType: 'kvm' | 'qemu'): Promise<void> {
  const definition = LabDefinition.parse(defaultLab('lab1'))
  const state = LabState.parse({ ...newLabState(definition, virtType), status: 'ready' })
  await new LabStore(tempPaths(t.dir).data).save(state)
}

describe('packstack calls', () => {
  it('packstack.explain returns the report of a recorded run', async () => {
    const engine = testEngine(t.dir)
    const r = await engine.api.call('packstack.explain', {
      text: fixture('fail-remote-script-facter.txt'),
    })
    expect(r.outcome).toBe('failed')
    expect(r.failure?.host).toBe('192.168.80.131')
  })

  it('answers.read and answers.update round-trip; a bad value is a bad-request naming the key', async () => {
    const engine = testEngine(t.dir)
    const text = fixture('answers-icehouse-allinone.txt')
    const read = await engine.api.call('packstack.answers.read', { text })
    expect(read.fields.controllerHost).toBe('172.16.0.1')
    expect(read.keys).toBeGreaterThan(100)
    const updated = await engine.api.call('packstack.answers.update', {
      text,
      fields: { controllerHost: '192.168.122.100' },
    })
    expect(updated.text).toBe(
      text.replace('CONFIG_CONTROLLER_HOST=172.16.0.1', 'CONFIG_CONTROLLER_HOST=192.168.122.100'),
    )
    const e = await rejection(
      engine.api.call('packstack.answers.update', { text, fields: { networkHosts: ['192.168.122'] } }),
      ApiError,
    )
    expect(e.code).toBe('bad-request')
    expect(e.issues).toEqual([
      {
        path: 'CONFIG_NETWORK_HOSTS',
        message: 'CONFIG_NETWORK_HOSTS: 192.168.122 is not an IPv4 address like 192.168.122.100',
      },
    ])
  })

  it('answers.check reads the lab from the store and applies its virt type', async () => {
    await saveLab('qemu')
    const engine = testEngine(t.dir)
    const text = (
      await engine.api.call('packstack.answers.update', {
        text: fixture('answers-double-generated.txt'),
        fields: {
          controllerHost: '192.168.122.100',
          computeHosts: ['192.168.122.110'],
          networkHosts: ['192.168.122.100'],
          ntpServers: ['pool.ntp.org'],
          adminPassword: 'lab-admin',
          novaVirtType: 'kvm',
        },
      })
    ).text
    const r = await engine.api.call('packstack.answers.check', { text, lab: 'lab1' })
    expect(r.ok).toBe(false)
    expect(r.problems).toEqual([
      expect.objectContaining({ severity: 'error', key: 'CONFIG_NOVA_LIBVIRT_VIRT_TYPE' }),
    ])
    const withKvm = await engine.api.call('packstack.answers.check', {
      text,
      lab: 'lab1',
      kvm: { compute: true },
    })
    expect(withKvm).toEqual({ ok: true, problems: [] })
  })

  it('answers.check on a lab that does not exist is not-found', async () => {
    const e = await rejection(
      testEngine(t.dir).api.call('packstack.answers.check', { text: '[general]\n', lab: 'nolab' }),
      ApiError,
    )
    expect(e.code).toBe('not-found')
  })
})
