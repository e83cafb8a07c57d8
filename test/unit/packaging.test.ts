// The Linux packaging config: electron-builder accepts it (its own schema), every file it names exists, the
// icon is a 512x512 PNG, the desktop entry is valid (desktop-file-validate; reported as skipped where it is
// not installed) and says the same as the entry electron-builder writes, the .deb depends on the host tools
// labs are built with, and Electron's fuses are set as hardened as the package allows (flipped by
// electron-builder's own code).
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DebugLogger } from 'builder-util'
import { validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { PlatformPackager, type Configuration } from 'app-builder-lib'
import { flipFuses, getCurrentFuseWire, FuseV1Options, type FuseConfig } from '@electron/fuses'
import { tempDir } from '../helpers'

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Configuration
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  main: string
  bin: Record<string, string>
  scripts: Record<string, string>
}

function desktopEntry(path: string): Record<string, string> {
  const keys: Record<string, string> = {}
  let group = ''
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue
    const g = /^\[(.+)\]$/.exec(line)
    if (g) group = g[1]!
    else if (group === 'Desktop Entry') {
      const eq = line.indexOf('=')
      expect(eq, line).toBeGreaterThan(0)
      keys[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return keys
}

describe('electron-builder config', () => {
  it("passes electron-builder's own validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    // The same check refuses a wrong key: it is really looking.
    const wrong = { ...config, linux: { ...config.linux, categroy: 'Development' } } as Configuration
    await expect(validateConfiguration(wrong, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object/,
    )
  }, 60_000)

  it('packages the built app, its resources and the stacklab command, and they exist', () => {
    expect(config.files).toEqual(['out/**', 'resources/**', 'bin/**', 'package.json'])
    // The Electron entry and the command the package runs are inside what is packaged.
    expect(pkg.main.startsWith('out/')).toBe(true)
    expect(Object.values(pkg.bin).every((b) => b.startsWith('bin/') && existsSync(b))).toBe(true)
    for (const dir of ['resources', 'bin']) expect(existsSync(dir), dir).toBe(true)
    expect(pkg.scripts['dist:linux']).toMatch(/electron-builder --linux/)
    expect(pkg.scripts['dist:linux']).toMatch(/npm run build/)
  })

  it('has a 512x512 PNG icon with its SVG source', () => {
    const icon = config.linux!.icon as string
    const png = readFileSync(icon)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512])
    expect(readFileSync('resources/icon.svg', 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 512 512"/)
  })

  it('builds an AppImage and a .deb that depends on the tools labs need, with the command on the PATH', () => {
    expect(config.appId).toMatch(/^[a-z][a-z0-9]*(\.[A-Za-z][A-Za-z0-9-]*)+$/)
    expect(config.productName).toBe('Stacklab')
    expect(config.linux!.target).toEqual(['AppImage', 'deb'])
    expect(config.linux!.category).toBe('Development')
    expect(config.deb!.depends).toEqual(
      expect.arrayContaining([
        'libvirt-clients',
        'libguestfs-tools',
        'qemu-utils',
        'openssh-client',
        'python3',
      ]),
    )
    const [source, target] = (config.deb!.fpm as string[])[0]!.split('=')
    expect(target).toBe('/usr/bin/stacklab')
    accessSync(source!, constants.X_OK)
    // The wrapper runs the packaged command with the packaged Electron.
    const wrapper = readFileSync(source!, 'utf8')
    expect(wrapper).toContain(`/opt/${config.productName}/${config.linux!.executableName}`)
    expect(wrapper).toContain('resources/app/bin/stacklab.js')
    expect(config.asar).toBe(false)
  })
})

describe('desktop entry', () => {
  const path = 'resources/linux/stacklab.desktop'

  it('passes desktop-file-validate', ({ skip }) => {
    const validate = (file: string) => spawnSync('desktop-file-validate', [file], { encoding: 'utf8' })
    const r = validate(path)
    // Reported as skipped, with the reason: a check that could not run has not passed. (The tool has no
    // --version to probe with: it refuses the option, exit 1.) spawnSync sets `error` only when it could
    // not start the tool at all.
    skip(
      r.error !== undefined,
      `desktop-file-validate cannot run (${r.error?.message}; Debian: apt-get install desktop-file-utils)`,
    )
    // Silent and exit 0 when valid; hints would be printed.
    expect({ status: r.status, output: r.stdout + r.stderr }).toEqual({ status: 0, output: '' })
    // The same check refuses a broken entry: it is really looking.
    const t = tempDir()
    try {
      const broken = join(t.dir, 'broken.desktop')
      writeFileSync(broken, readFileSync(path, 'utf8').replace(/^Type=.*$/m, 'Type=Nonsense'))
      expect(validate(broken).status).not.toBe(0)
    } finally {
      t.cleanup()
    }
  })

  it('has the keys the menu needs', () => {
    const keys = desktopEntry(path)
    expect(keys).toMatchObject({ Type: 'Application', Name: 'Stacklab', Icon: 'stacklab', Terminal: 'false' })
    expect(keys['Categories']!.split(';')).toContain('Development')
    expect(keys['Exec']!.split(' ')[0]).toBe(config.linux!.executableName)
  })

  it('says the same as the entry electron-builder writes into the packages', () => {
    const keys = desktopEntry(path)
    const entry = (config.linux!.desktop as { entry: Record<string, string> }).entry
    for (const [key, value] of Object.entries(entry)) expect(keys[key], key).toBe(value)
  })
})

describe('Electron fuses', () => {
  const fuses = config.electronFuses!
  const wrapper = readFileSync('resources/linux/stacklab-cli', 'utf8')

  it('sets every fuse electron-builder knows, explicitly, as hardened as the package allows', () => {
    const scheme = JSON.parse(readFileSync('node_modules/app-builder-lib/scheme.json', 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } }
    }
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties).filter(
      (k) => k !== 'resetAdHocDarwinSignature', // macOS signing, not a fuse
    )
    expect(Object.keys(fuses).sort()).toEqual(known.sort())
    expect(fuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: false,
      onlyLoadAppFromAsar: false,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('leaves on only what the package needs: RunAsNode for the stacklab command, no asar fuses without asar', () => {
    // The .deb's /usr/bin/stacklab is the app's Electron in Node mode: the day it is not, RunAsNode goes off.
    expect(fuses.runAsNode).toBe(/^ELECTRON_RUN_AS_NODE=1 exec /m.test(wrapper))
    // Only-load-from-asar with the app outside an asar would stop it starting; with an asar, both go on.
    expect(fuses.onlyLoadAppFromAsar).toBe(config.asar !== false)
    expect(fuses.enableEmbeddedAsarIntegrityValidation).toBe(config.asar !== false)
  })

  it("is what electron-builder's own code flips into an Electron binary's fuse wire", async () => {
    const t = tempDir()
    try {
      // A stand-in for the Electron binary: its fuse wire (sentinel, version 1, eight fuses) with every fuse
      // marked "not set" (@electron/fuses' INHERIT), so a fuse the config forgot would show.
      const INHERIT = 144
      const binary = join(t.dir, 'stacklab-desktop')
      const sentinel = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX')
      writeFileSync(
        binary,
        Buffer.concat([Buffer.alloc(64, 0xcc), sentinel, Buffer.from([1, 8]), Buffer.alloc(8, INHERIT)]),
      )
      const generate = (
        PlatformPackager.prototype as unknown as {
          generateFuseConfig(this: void, f: typeof fuses): Promise<FuseConfig>
        }
      ).generateFuseConfig
      await flipFuses(binary, await generate(fuses))
      const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>
      const state = (option: FuseV1Options) => String.fromCharCode(wire[option]!)
      expect(state(FuseV1Options.RunAsNode)).toBe('1')
      expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1')
      expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0')
      expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0')
      expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('0')
      expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('0')
      expect(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe('0')
      expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('0')
    } finally {
      t.cleanup()
    }
  })
})
