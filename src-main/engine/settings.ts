// Settings on disk: read once, validated, written atomically; a damaged file is kept aside, never lost.
import { readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from '../../src-shared/settings'
import { writeFileAtomic } from './atomic'
import type { Logger } from './log'

export class SettingsStore {
  readonly file: string
  private current: Settings = { ...DEFAULT_SETTINGS }
  private loaded = false

  constructor(
    configDir: string,
    private readonly logger: Logger,
  ) {
    this.file = join(configDir, 'settings.json')
  }

  async get(): Promise<Settings> {
    if (!this.loaded) await this.load()
    return { ...this.current }
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    const next = Settings.parse({ ...(await this.get()), ...patch })
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n')
    this.current = next
    this.logger.log('info', 'settings saved', { file: this.file, keys: Object.keys(patch) })
    return { ...next }
  }

  private async load(): Promise<void> {
    this.loaded = true
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    // Unknown keys from a newer version are dropped by zod's default object parsing; known ones validated.
    const result = Settings.partial().safeParse(parsed)
    if (result.success) {
      this.current = { ...DEFAULT_SETTINGS, ...result.data }
      return
    }
    const aside = `${this.file}.damaged-${Date.now()}`
    await rename(this.file, aside)
    this.logger.log('warn', 'settings file was damaged; kept aside, defaults in use', { aside })
  }
}
