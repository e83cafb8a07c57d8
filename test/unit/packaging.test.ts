// The Linux packaging config: electron-builder accepts it (its own schema), every file it names exists, the
// icon is a 512x512 PNG, the desktop entry is valid (desktop-file-validate where installed) and says the
// same as the entry electron-builder writes, and the .deb depends on the host tools labs are built with.
import { execFileSync } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DebugLogger } from 'builder-util'
import { validateConfiguration } from 'app-builder-lib/out/util/config/config'
import type { Configuration } from 'app-builder-lib'

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

  it('is valid', () => {
    let validator = true
    try {
      execFileSync('desktop-file-validate', ['--version'], { stdio: 'ignore' })
    } catch {
      validator = false
    }
    if (validator) {
      // Silent and exit 0 when valid; hints would be printed.
      expect(execFileSync('desktop-file-validate', [path], { encoding: 'utf8' })).toBe('')
    }
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
