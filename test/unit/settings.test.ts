// Where Stacklab keeps files, atomic writes, and settings that survive damage without losing anything.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appPaths } from '../../src-main/engine/paths'
import { writeFileAtomic } from '../../src-main/engine/atomic'
import { SettingsStore } from '../../src-main/engine/settings'
import { nullLogger } from '../../src-main/engine/log'
import { DEFAULT_SETTINGS } from '../../src-shared/settings'
import { tempDir } from '../helpers'

let t: ReturnType<typeof tempDir>
beforeEach(() => (t = tempDir()))
afterEach(() => t.cleanup())

describe('appPaths', () => {
  it('follows the XDG base directories on Linux', () => {
    const p = appPaths({ XDG_CONFIG_HOME: '/x/conf', XDG_STATE_HOME: '/x/state' }, 'linux', '/home/u')
    expect(p.config).toBe('/x/conf/stacklab')
    expect(p.data).toBe('/home/u/.local/share/stacklab')
    expect(p.cache).toBe('/home/u/.cache/stacklab')
    expect(p.log).toBe('/x/state/stacklab/stacklab.log')
  })
  it('ignores relative XDG values, as the spec requires', () => {
    expect(appPaths({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/u').config).toBe(
      '/home/u/.config/stacklab',
    )
  })
  it('uses the platform places on macOS and Windows', () => {
    expect(appPaths({}, 'darwin', '/Users/u').cache).toBe('/Users/u/Library/Caches/Stacklab')
    expect(appPaths({ APPDATA: 'C:/R', LOCALAPPDATA: 'C:/L' }, 'win32', 'C:/u').config).toContain('Stacklab')
  })
})

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temp file behind', async () => {
    const file = join(t.dir, 'a', 'b.json')
    await writeFileAtomic(file, 'one')
    await writeFileAtomic(file, 'two')
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(readdirSync(join(t.dir, 'a'))).toEqual(['b.json'])
  })
})

describe('SettingsStore', () => {
  it('starts from defaults and persists updates', async () => {
    const store = new SettingsStore(t.dir, nullLogger)
    expect(await store.get()).toEqual(DEFAULT_SETTINGS)
    await store.update({ connectionUri: 'qemu:///session' })
    const again = new SettingsStore(t.dir, nullLogger)
    expect((await again.get()).connectionUri).toBe('qemu:///session')
  })

  it('keeps a setting given as undefined (a patch clears nothing it does not name)', async () => {
    const store = new SettingsStore(t.dir, nullLogger)
    await store.update({ connectionUri: 'qemu:///session', templateUnsigned: true })
    const next = await store.update({
      connectionUri: undefined,
      templateUnsigned: undefined,
      imagesDir: '/srv/x',
    })
    expect(next).toMatchObject({
      connectionUri: 'qemu:///session',
      templateUnsigned: true,
      imagesDir: '/srv/x',
    })
  })

  it('refuses invalid values before writing anything', async () => {
    const store = new SettingsStore(t.dir, nullLogger)
    await expect(store.update({ imagesDir: 'relative/path' })).rejects.toThrow(/absolute/)
    await expect(store.update({ connectionUri: 'qemu:///system; rm -rf /' })).rejects.toThrow(
      /connection URI/,
    )
    expect(readdirSync(t.dir)).toEqual([])
  })

  it('keeps a damaged settings file aside instead of losing it', async () => {
    mkdirSync(t.dir, { recursive: true })
    writeFileSync(join(t.dir, 'settings.json'), '{ not json')
    const store = new SettingsStore(t.dir, nullLogger)
    expect(await store.get()).toEqual(DEFAULT_SETTINGS)
    const aside = readdirSync(t.dir).find((n) => n.startsWith('settings.json.damaged-'))
    expect(aside).toBeDefined()
    expect(readFileSync(join(t.dir, aside!), 'utf8')).toBe('{ not json')
  })
})
