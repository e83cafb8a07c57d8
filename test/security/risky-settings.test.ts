// Issue #11, item 9: settings from the browser host. Paths with newlines, quotes or `..` are refused from
// every caller; a change that lowers trust (an unsigned mirror, another template source, a remote connection,
// a connection without host checks) is refused from the browser host unless the call names each risk in
// `confirmRisks`, and goes through from the CLI and the desktop app. Attacked through the real browser host
// (`stacklab serve`, WebSocket with the token) and the real engine API.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Settings } from '../../src-shared/settings'
import { serveWithSettings } from '../harness/serve'
import { tempDir, testEngine, xdgEnv } from '../helpers'
import { openApi, type WsReply } from './helpers'

let t: ReturnType<typeof tempDir>
let server: { url: string; stop: () => Promise<void> }
let settingsFile: string
const START = { connectionUri: 'test:///default', imagesDir: '', templateSource: '', templateUnsigned: false }

beforeAll(async () => {
  t = tempDir('stacklab-sec-settings-')
  server = await serveWithSettings(t.dir, START)
  settingsFile = join(xdgEnv(t.dir).XDG_CONFIG_HOME, 'stacklab', 'settings.json')
})
afterAll(async () => {
  await server.stop()
  t.cleanup()
})

const saved = () => JSON.parse(readFileSync(settingsFile, 'utf8')) as Settings
function refused(reply: WsReply): {
  code: string
  message: string
  issues?: { path: string; message: string }[]
} {
  expect(reply.ok).toBe(false)
  if (reply.ok) throw new Error('accepted')
  return reply.error
}

describe('through the real browser host', () => {
  it('refuses paths with newlines, quotes, control characters or .. segments, naming the field', async () => {
    const api = await openApi(server.url)
    try {
      const before = readFileSync(settingsFile, 'utf8')
      for (const [field, value, message] of [
        ['imagesDir', '/srv/images\n--evil', /newlines/],
        ['imagesDir', '/srv/"images"', /quotes/],
        ['imagesDir', "/srv/it's", /quotes/],
        ['imagesDir', '/srv/a\u0000b', /control characters/],
        ['imagesDir', '/srv/../etc', /normalised/],
        ['templateSource', '/srv/mirror\r\n', /newlines/],
        ['templateSource', '/srv/mirror:/etc/evil', /must not contain ":"/],
        ['templateSource', 'mirror', /absolute path/],
      ] as const) {
        const error = refused(await api.call('settings.update', { [field]: value }))
        expect(error.code).toBe('bad-request')
        expect(error.issues?.[0]?.path).toBe(field)
        expect(error.issues?.[0]?.message).toMatch(message)
      }
      expect(readFileSync(settingsFile, 'utf8')).toBe(before)
    } finally {
      api.close()
    }
  })

  it('refuses an unsigned mirror without a confirmation naming the risk, and saves it with one', async () => {
    const api = await openApi(server.url)
    try {
      const error = refused(await api.call('settings.update', { templateUnsigned: true }))
      expect(error.code).toBe('bad-request')
      expect(error.message).toMatch(/lowers trust and needs an explicit confirmation: "unsigned-templates"/)
      expect(error.message).toMatch(/without checking their signature/)
      expect(error.issues?.map((i) => i.path)).toEqual(['templateUnsigned'])
      expect(error.issues?.[0]?.message).toMatch(/unsigned-templates/)
      // The wrong risk named does not count.
      refused(
        await api.call('settings.update', { templateUnsigned: true, confirmRisks: ['template-source'] }),
      )
      expect(saved().templateUnsigned).toBe(false)
      const ok = await api.call('settings.update', {
        templateUnsigned: true,
        confirmRisks: ['unsigned-templates'],
      })
      expect(ok).toMatchObject({ ok: true, value: { templateUnsigned: true } })
      expect(saved().templateUnsigned).toBe(true)
      // Saving what is already set (the Settings page sends the whole form) is no new risk.
      expect(await api.call('settings.update', { ...saved() })).toMatchObject({ ok: true })
      // Making it safer needs nothing.
      expect(await api.call('settings.update', { templateUnsigned: false })).toMatchObject({ ok: true })
    } finally {
      api.close()
    }
  })

  it('refuses a new template source without confirmation', async () => {
    const api = await openApi(server.url)
    try {
      const error = refused(await api.call('settings.update', { templateSource: join(t.dir, 'mirror') }))
      expect(error.message).toMatch(/"template-source"/)
      expect(error.issues?.[0]?.path).toBe('templateSource')
      expect(saved().templateSource).toBe('')
      expect(
        await api.call('settings.update', {
          templateSource: join(t.dir, 'mirror'),
          confirmRisks: ['template-source'],
        }),
      ).toMatchObject({ ok: true })
      expect(await api.call('settings.update', { templateSource: '' })).toMatchObject({ ok: true })
    } finally {
      api.close()
    }
  })

  it('refuses a remote connection, or one without host checks, without confirmation', async () => {
    const api = await openApi(server.url)
    const remote = 'qemu+ssh://nobody@127.0.0.1:1/system'
    try {
      const error = refused(await api.call('settings.update', { connectionUri: remote }))
      expect(error.message).toMatch(
        /"remote-connection" \(Stacklab will connect to a libvirt daemon over the network/,
      )
      expect(error.issues?.[0]?.path).toBe('connectionUri')
      const unchecked = refused(
        await api.call('settings.update', {
          connectionUri: `${remote}?no_verify=1`,
          confirmRisks: ['remote-connection'],
        }),
      )
      expect(unchecked.message).toMatch(/"no-host-check"/)
      expect(unchecked.message).not.toMatch(/"remote-connection"/)
      // The same rule for a one-off check of a remote host.
      expect(refused(await api.call('preflight.run', { uri: remote })).issues?.[0]?.path).toBe('uri')
      expect(saved().connectionUri).toBe('test:///default')
      expect(
        await api.call('settings.update', { connectionUri: remote, confirmRisks: ['remote-connection'] }),
      ).toMatchObject({ ok: true, value: { connectionUri: remote } })
      expect(await api.call('settings.update', { connectionUri: 'test:///default' })).toMatchObject({
        ok: true,
      })
    } finally {
      api.close()
    }
  })
})

describe('the real engine API from the CLI and the desktop app', () => {
  it('needs no confirmation there, and refuses bad paths there too', async () => {
    for (const origin of ['cli', 'desktop'] as const) {
      const engine = testEngine(join(t.dir, origin))
      const api = engine.apiFor({ origin })
      expect(
        await api.call('settings.update', {
          templateUnsigned: true,
          templateSource: '/srv/mirror',
          connectionUri: 'qemu+ssh://nobody@127.0.0.1:1/system?no_verify=1',
        }),
      ).toMatchObject({ templateUnsigned: true, templateSource: '/srv/mirror' })
      await expect(api.call('settings.update', { imagesDir: '/srv/a\nb' })).rejects.toThrow(
        /imagesDir: must not contain newlines/,
      )
      await engine.close()
    }
  })
})
