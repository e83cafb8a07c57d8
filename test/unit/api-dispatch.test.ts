// Every call goes through one gate: unknown calls, wrong types, extra fields and oversized input get a clear
// ApiError, never a crash, and no handler runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ApiError } from '../../src-shared/errors'
import { MAX_INPUT_BYTES } from '../../src-shared/api'
import { DEFAULT_SETTINGS } from '../../src-shared/settings'
import { rejection, tempDir, testEngine } from '../helpers'

let t: ReturnType<typeof tempDir>
beforeEach(() => (t = tempDir()))
afterEach(() => t.cleanup())

/** The raw gate is called with malformed input on purpose here: what it answers is the ApiError. */
const failure = (p: Promise<unknown>) => rejection(p, ApiError)

describe('Engine.call', () => {
  it('answers a valid call with output that matches the contract', async () => {
    const engine = testEngine(t.dir)
    const info = await engine.call('app.info', {})
    expect(info.host).toBe('cli')
    expect(info.paths.config).toBe(join(t.dir, 'config'))
  })

  it('refuses unknown calls and names the known ones', async () => {
    const e = await failure(testEngine(t.dir).call('lab.destroyEverything', {}))
    expect(e.code).toBe('unknown-method')
    expect(e.message).toContain('preflight.run')
    expect((await failure(testEngine(t.dir).call(42, {}))).code).toBe('unknown-method')
    expect((await failure(testEngine(t.dir).call('__proto__', {}))).code).toBe('unknown-method')
  })

  it('refuses wrong types and names the field, before anything is written', async () => {
    const engine = testEngine(t.dir)
    const e = await failure(engine.call('settings.update', { connectionUri: 7 }))
    expect(e.code).toBe('bad-request')
    expect(e.issues?.[0]?.path).toBe('connectionUri')
    const extra = await failure(
      engine.call('settings.update', { connectionUri: 'qemu:///system', evil: true }),
    )
    expect(extra.code).toBe('bad-request')
    expect(extra.message).toMatch(/evil/)
    const shell = await failure(engine.call('preflight.run', { uri: 'qemu:///system$(reboot)' }))
    expect(shell.issues?.[0]?.path).toBe('uri')
    expect(existsSync(join(t.dir, 'config', 'settings.json'))).toBe(false)
  })

  it('refuses input that is not an object', async () => {
    expect((await failure(testEngine(t.dir).call('settings.update', 'qemu:///system'))).code).toBe(
      'bad-request',
    )
    expect((await failure(testEngine(t.dir).call('settings.update', [1, 2]))).code).toBe('bad-request')
  })

  it('refuses oversized input with too-large', async () => {
    const e = await failure(
      testEngine(t.dir).call('settings.update', { imagesDir: '/' + 'a'.repeat(MAX_INPUT_BYTES) }),
    )
    expect(e.code).toBe('too-large')
    expect(e.message).toContain(String(MAX_INPUT_BYTES))
  })

  it('saves settings atomically and announces the change', async () => {
    const engine = testEngine(t.dir)
    const seen: unknown[] = []
    engine.on('settings.changed', (s) => seen.push(s))
    await engine.call('settings.update', { imagesDir: '/srv/labs' })
    expect(seen).toEqual([{ ...DEFAULT_SETTINGS, imagesDir: '/srv/labs' }])
    expect(await testEngine(t.dir).call('settings.get', {})).toEqual({
      ...DEFAULT_SETTINGS,
      imagesDir: '/srv/labs',
    })
  })
})

describe('Engine.api (typed, in process)', () => {
  it("answers with the contract's output, typed", async () => {
    const engine = testEngine(t.dir)
    const info = await engine.api.call('app.info', {})
    expect(info.host).toBe('cli')
    expect(info.paths.config).toBe(join(t.dir, 'config'))
  })

  it('goes through the same gate: input validated, size limited, nothing written on a refusal', async () => {
    const { api } = testEngine(t.dir)
    // @ts-expect-error -- deliberately malformed: the gate refuses at run time what the type refuses here
    const e = await failure(api.call('settings.update', { connectionUri: 7 }))
    expect(e.code).toBe('bad-request')
    expect(e.issues?.[0]?.path).toBe('connectionUri')
    const big = await failure(api.call('settings.update', { imagesDir: '/' + 'a'.repeat(MAX_INPUT_BYTES) }))
    expect(big.code).toBe('too-large')
    const shell = await failure(api.call('preflight.run', { uri: 'qemu:///system$(reboot)' }))
    expect(shell.issues?.[0]?.path).toBe('uri')
    expect(existsSync(join(t.dir, 'config', 'settings.json'))).toBe(false)
  })

  it('maps errors as the raw gate does', async () => {
    const engine = testEngine(t.dir)
    await engine.api.call('settings.update', { connectionUri: `qemu+unix:///system?socket=${t.dir}/none` })
    // virsh fails (no daemon there): a libvirt error, which only the gate turns into an ApiError.
    const typed = await failure(engine.api.call('domain.get', { name: 'vm1' }))
    const raw = await failure(engine.call('domain.get', { name: 'vm1' }))
    expect(typed.code).toBe('unreachable')
    expect(typed.toJSON()).toEqual(raw.toJSON())
  })

  it('applies the trust rules of the caller it acts for', async () => {
    const engine = testEngine(t.dir)
    const browser = engine.apiFor({ origin: 'browser' })
    const refused = await failure(browser.call('settings.update', { templateUnsigned: true }))
    expect(refused.code).toBe('bad-request')
    expect(refused.message).toMatch(/"unsigned-templates"/)
    expect(existsSync(join(t.dir, 'config', 'settings.json'))).toBe(false)
    // The CLI acts for the user: the same change needs no confirmation from it.
    expect((await engine.api.call('settings.update', { templateUnsigned: true })).templateUnsigned).toBe(true)
  })

  it('delivers events to its listeners', async () => {
    const { api } = testEngine(t.dir)
    const seen: string[] = []
    const off = api.on('settings.changed', (s) => seen.push(s.imagesDir))
    await api.call('settings.update', { imagesDir: '/srv/one' })
    off()
    await api.call('settings.update', { imagesDir: '/srv/two' })
    expect(seen).toEqual(['/srv/one'])
  })
})
