// Issue #11, item 1: a libvirt connection URI that makes libvirt start a program (the `ext` transport,
// `command=`, `netcat=`, `proxy=`) or names a file of the caller's choosing, sent as an attacker would send it:
// over the real browser host's WebSocket with the token (`stacklab serve`), to the real engine API, on the real
// CLI's command line, and planted in the settings file that every start reads. A planted program leaves a
// marker if anything starts it: it must never run, and each refusal must name the part of the URI at fault.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PreflightReport } from '../../src-shared/preflight'
import type { ConnectionState } from '../../src-shared/libvirt'
import type { Settings } from '../../src-shared/settings'
import { Risk } from '../../src-shared/trust'
import { ApiError } from '../../src-shared/errors'
import { serveWithSettings } from '../harness/serve'
import { rejection, runStacklab, tempDir, testEngine, xdgEnv } from '../helpers'
import { openApi, plantProgram, type Planted } from './helpers'

/** Every risk a caller can confirm: confirming never opens the allow-list. */
const ALL_RISKS: Risk[] = [...Risk.options]
let t: ReturnType<typeof tempDir>
let evil: Planted

beforeAll(() => {
  t = tempDir('stacklab-sec-uri-')
  evil = plantProgram(t.dir)
})
afterAll(() => t.cleanup())

/** Nothing listens on port 1 of the loopback: a connection there fails at once and goes nowhere else. */
const attacks = (script: string): [string, RegExp][] => [
  [
    `qemu+ext:///system?command=${script}`,
    /transport "ext" is not allowed: it makes libvirt start a program/,
  ],
  [`test+ext:///default?command=${script}`, /transport "ext" is not allowed/],
  [`qemu+ssh://nobody@127.0.0.1:1/system?command=${script}`, /query parameter "command" is not allowed/],
  [
    `qemu+ssh://nobody@127.0.0.1:1/system?COMMAND=${script}`,
    /query parameter "command" \(written "COMMAND"\)/,
  ],
  [
    `qemu+ssh://nobody@127.0.0.1:1/system?%63ommand=${script}`,
    /query parameter "command" \(written "%63ommand"\)/,
  ],
  [`qemu+ssh://nobody@127.0.0.1:1/system?netcat=${script}`, /query parameter "netcat" is not allowed/],
  [`qemu+libssh://nobody@127.0.0.1:1/system?proxy=netcat`, /query parameter "proxy" is not allowed/],
  ['lxc:///', /driver "lxc" is not supported/],
  ['vbox:///session', /driver "vbox" is not supported/],
]

describe('through the real browser host (stacklab serve, WebSocket with the token)', () => {
  let dir: string
  let server: { url: string; stop: () => Promise<void> }
  let settingsFile: string
  let before: string

  beforeAll(async () => {
    dir = join(t.dir, 'serve')
    server = await serveWithSettings(dir, { connectionUri: 'test:///default', imagesDir: '' })
    settingsFile = join(xdgEnv(dir).XDG_CONFIG_HOME, 'stacklab', 'settings.json')
    before = readFileSync(settingsFile, 'utf8')
  })
  afterAll(() => server.stop())

  it('refuses every program-starting URI in settings.update and preflight.run, naming the part', async () => {
    const api = await openApi(server.url)
    try {
      for (const [uri, message] of attacks(evil.script)) {
        const checked = await api.call('preflight.run', { uri })
        expect(evil.ran(), `${uri} started the planted program`).toBe(false)
        expect(checked.ok, uri).toBe(false)
        if (!checked.ok) expect(checked.error.message).toMatch(message)
        const saved = await api.call('settings.update', { connectionUri: uri })
        expect(saved.ok, uri).toBe(false)
        if (saved.ok) continue
        expect(saved.error.code).toBe('bad-request')
        expect(saved.error.message).toMatch(message)
        expect(saved.error.issues?.[0]?.path).toBe('connectionUri')
        // Confirming every risk never opens the allow-list.
        const confirmed = await api.call('settings.update', { connectionUri: uri, confirmRisks: ALL_RISKS })
        expect(confirmed.ok, uri).toBe(false)
        if (!confirmed.ok) expect(confirmed.error.message).toMatch(message)
      }
      const settings = (await api.call('settings.get', {})) as { ok: true; value: Settings }
      expect(settings.value.connectionUri).toBe('test:///default')
    } finally {
      api.close()
    }
    expect(readFileSync(settingsFile, 'utf8')).toBe(before)
    expect(evil.ran()).toBe(false)
  })

  it('refuses the same URIs in Settings’ connection test, which never reaches libvirt for them', async () => {
    const api = await openApi(server.url)
    try {
      for (const [uri, message] of attacks(evil.script)) {
        for (const input of [{ uri }, { uri, confirmRisks: ALL_RISKS }]) {
          const reply = await api.call('settings.testConnection', input)
          expect(evil.ran(), `${uri} started the planted program`).toBe(false)
          expect(reply.ok, uri).toBe(false)
          if (reply.ok) continue
          expect(reply.error.code).toBe('bad-request')
          expect(reply.error.message).toMatch(message)
          expect(reply.error.issues?.[0]?.path).toBe('uri')
        }
      }
      // A file of the caller's choosing is refused as in preflight.run.
      const file = await api.call('settings.testConnection', {
        uri: 'qemu+unix:///system?socket=/tmp/somebody-else/sock',
      })
      expect(file.ok).toBe(false)
      if (!file.ok)
        expect(file.error.message).toMatch(
          /query parameter "socket" names \S+, a path sent from the browser host/,
        )
      // A remote connection is tried (with the user's credentials) only once its risks are named.
      const remote = await api.call('settings.testConnection', {
        uri: 'qemu+ssh://nobody@127.0.0.1:1/system',
      })
      expect(remote.ok).toBe(false)
      if (!remote.ok) {
        expect(remote.error.message).toMatch(/needs an explicit confirmation: "remote-connection"/)
        expect(remote.error.issues?.[0]?.path).toBe('uri')
      }
      const confirmed = await api.call('settings.testConnection', {
        uri: 'qemu+ssh://nobody@127.0.0.1:1/system',
        confirmRisks: ['remote-connection'],
      })
      expect(confirmed.ok).toBe(true)
      if (confirmed.ok) expect((confirmed.value as { check: { status: string } }).check.status).toBe('fail')
    } finally {
      api.close()
    }
    expect(readFileSync(settingsFile, 'utf8')).toBe(before)
    expect(evil.ran()).toBe(false)
  })

  it('refuses files named in the URI from the browser host, but not Stacklab’s own', async () => {
    const api = await openApi(server.url)
    const ownKey = join(xdgEnv(dir).XDG_CONFIG_HOME, 'stacklab', 'keys', 'id_ed25519')
    try {
      for (const [uri, param] of [
        ['qemu+libssh://root@127.0.0.1:1/system?keyfile=/etc/shadow', 'keyfile'],
        ['qemu+ssh://root@127.0.0.1:1/system?keyfile=/root/.ssh/id_rsa', 'keyfile'],
        ['qemu+libssh://root@127.0.0.1:1/system?known_hosts=/root/.bashrc', 'known_hosts'],
        ['qemu+tls://127.0.0.1:1/system?pkipath=/etc/pki/libvirt', 'pkipath'],
        ['qemu+unix:///system?socket=/tmp/somebody-else/sock', 'socket'],
      ]) {
        for (const [method, input, field] of [
          ['settings.update', { connectionUri: uri }, 'connectionUri'],
          ['preflight.run', { uri }, 'uri'],
          // Confirming the risks of a remote connection does not make the file the caller's to name.
          ['preflight.run', { uri, confirmRisks: ALL_RISKS }, 'uri'],
        ] as const) {
          const reply = await api.call(method, input)
          expect(reply.ok, `${method} ${uri}`).toBe(false)
          if (reply.ok) continue
          expect(reply.error.code).toBe('bad-request')
          expect(reply.error.message).toMatch(
            new RegExp(`query parameter "${param}" names \\S+, a path sent from the browser host`),
          )
          expect(reply.error.issues?.[0]?.path).toBe(field)
        }
      }
      // A key in Stacklab's own folder is accepted (preflight runs, and fails to connect to port 1).
      const own = await api.call('preflight.run', {
        uri: `qemu+libssh://root@127.0.0.1:1/system?keyfile=${ownKey}`,
        confirmRisks: ['remote-connection'],
      })
      expect(own.ok).toBe(true)
      if (own.ok) expect((own.value as PreflightReport).uri).toContain(ownKey)
    } finally {
      api.close()
    }
    expect(readFileSync(settingsFile, 'utf8')).toBe(before)
  })
})

describe('the real engine API', () => {
  it('holds desktop-window paths to the files picked in the native dialog; the CLI acts for the user', async () => {
    const engine = testEngine(join(t.dir, 'api'))
    const desktop = engine.apiFor({ origin: 'desktop' })
    const uri = 'qemu+libssh://root@127.0.0.1:1/system?keyfile=/home/someone/.ssh/id_ed25519'
    const refused = await rejection(desktop.call('settings.update', { connectionUri: uri }), ApiError)
    expect(refused.message).toMatch(
      /query parameter "keyfile" names \/home\/someone\/.ssh\/id_ed25519, a path sent from the desktop window/,
    )
    // The browser host cannot borrow the desktop's pick.
    engine.trustPickedPath('/home/someone/.ssh/id_ed25519')
    await expect(
      engine
        .apiFor({ origin: 'browser' })
        .call('settings.update', { connectionUri: uri, confirmRisks: ALL_RISKS }),
    ).rejects.toThrow(/a path sent from the browser host/)
    expect(await desktop.call('settings.update', { connectionUri: uri })).toMatchObject({
      connectionUri: uri,
    })
    // The CLI names any file, but never a program.
    const cli = testEngine(join(t.dir, 'api-cli'))
    expect(
      await cli.api.call('settings.update', {
        connectionUri: 'qemu+libssh://root@127.0.0.1:1/system?keyfile=/etc/ssh/k',
      }),
    ).toMatchObject({ connectionUri: 'qemu+libssh://root@127.0.0.1:1/system?keyfile=/etc/ssh/k' })
    await expect(
      cli.api.call('settings.update', { connectionUri: `qemu+ext:///system?command=${evil.script}` }),
    ).rejects.toThrow(/transport "ext" is not allowed/)
    expect(() => engine.trustPickedPath('relative/key')).toThrow(/absolute/)
    await engine.close()
    await cli.close()
    expect(evil.ran()).toBe(false)
  })
})

describe('the real CLI (node bin/stacklab.js preflight --uri)', () => {
  it('refuses each program-starting URI with exit 2 and the part, before running anything', async () => {
    const dir = join(t.dir, 'cli')
    const planted = plantProgram(t.dir, 'cli-evil')
    for (const [uri, message] of attacks(planted.script)) {
      const r = await runStacklab(dir, 'preflight', '--uri', uri)
      expect(planted.ran(), `${uri} started the planted program`).toBe(false)
      expect(r.code, uri).toBe(2)
      expect(r.stderr).toMatch(/uri: /)
      expect(r.stderr).toMatch(message)
      expect(r.stdout).toBe('')
    }
  })

  it('lets the user name any file from the command line (the path rule is for the browser and desktop)', async () => {
    const r = await runStacklab(
      join(t.dir, 'cli'),
      'preflight',
      '--json',
      '--uri',
      'qemu+libssh://root@127.0.0.1:1/system?keyfile=/nonexistent/key',
    )
    expect(r.code).toBe(1)
    expect((JSON.parse(r.stdout) as PreflightReport).uri).toContain('keyfile=/nonexistent/key')
  })
})

describe('a settings file that holds an ext URI', () => {
  let dir: string
  let planted: Planted
  let settingsDir: string
  let original: string

  beforeAll(() => {
    dir = join(t.dir, 'planted')
    planted = plantProgram(t.dir, 'planted')
    settingsDir = join(xdgEnv(dir).XDG_CONFIG_HOME, 'stacklab')
    mkdirSync(settingsDir, { recursive: true })
  })

  it('never runs it: engine start, settings.get, preflight and the libvirt watcher use the default', async () => {
    const server = await serveWithSettings(dir, {
      connectionUri: `qemu+ext:///system?command=${planted.script}`,
      imagesDir: '/srv/stacklab-images',
      templateUnsigned: false,
    })
    original = readFileSync(join(settingsDir, 'settings.json'), 'utf8')
    const api = await openApi(server.url)
    try {
      const settings = await api.call('settings.get', {})
      // The watcher (started with the server) has tried its connection.
      const probed = api.waitFor('libvirt.connection', (p) => (p as ConnectionState).state !== 'connecting')
      const now = await api.call('libvirt.connection', {})
      const state = (now.ok ? now.value : null) as ConnectionState | null
      const settled = state && state.state !== 'connecting' ? state : ((await probed) as ConnectionState)
      const run = await api.call('preflight.run', {})
      expect(planted.ran(), 'the planted program ran').toBe(false)
      // The other settings are kept; the refused URI is replaced by the default connection, everywhere.
      expect(settings).toMatchObject({
        ok: true,
        value: { connectionUri: 'qemu:///system', imagesDir: '/srv/stacklab-images' },
      })
      expect(settled.uri).toBe('qemu:///system')
      // Preflight says what was refused, why, and where the original file is.
      expect(run.ok).toBe(true)
      const report = (run as { value: PreflightReport }).value
      expect(report.uri).toBe('qemu:///system')
      const connection = report.checks.find((c) => c.id === 'libvirt-connection')!
      expect(connection.summary).toMatch(/The saved connection URI was refused/)
      expect(connection.evidence.join('\n')).toMatch(/transport "ext" is not allowed/)
      expect(connection.evidence.join('\n')).toMatch(/settings\.json\.refused-/)
    } finally {
      api.close()
      await server.stop()
    }
    expect(planted.ran()).toBe(false)
  })

  it('keeps the original file, copied aside, and logs a warning', () => {
    expect(readFileSync(join(settingsDir, 'settings.json'), 'utf8')).toBe(original)
    const aside = readdirSync(settingsDir).filter((n) => n.startsWith('settings.json.refused-'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(settingsDir, aside[0]!), 'utf8')).toBe(original)
    const log = readFileSync(join(xdgEnv(dir).XDG_STATE_HOME, 'stacklab', 'stacklab.log'), 'utf8')
    expect(log).toMatch(/"level":"warn".*settings file holds values Stacklab refuses/)
  })

  it('never runs it from the CLI either, and says so', async () => {
    const r = await runStacklab(dir, 'preflight')
    expect(planted.ran(), 'the planted program ran').toBe(false)
    expect(r.stdout).toMatch(/saved connectionUri .*qemu\+ext.* was refused: connection URI: transport "ext"/)
    expect(r.stdout).toMatch(/Checking qemu:\/\/\/system/)
    expect(planted.ran()).toBe(false)
    expect(readdirSync(settingsDir).filter((n) => n.startsWith('settings.json.refused-'))).toHaveLength(1)
  })

  it('also refuses other unsafe values of the file, keeping the rest', async () => {
    const engine = testEngine(join(t.dir, 'planted-paths'))
    mkdirSync(engine.paths.config, { recursive: true })
    writeFileSync(
      join(engine.paths.config, 'settings.json'),
      JSON.stringify({
        connectionUri: `qemu+ssh://nobody@127.0.0.1:1/system?netcat=${planted.script}`,
        imagesDir: '/srv/images\n--evil',
        templateSource: '/srv/mirror',
      }),
    )
    expect(await engine.api.call('settings.get', {})).toEqual({
      connectionUri: 'qemu:///system',
      imagesDir: '',
      templateSource: '/srv/mirror',
      templateUnsigned: false,
    })
    await engine.close()
    expect(existsSync(join(engine.paths.config, 'settings.json'))).toBe(true)
    expect(planted.ran()).toBe(false)
  })
})
