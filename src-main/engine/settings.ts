// Settings on disk: read once, validated, written atomically; a damaged file is kept aside, never lost.
// A file that holds a value Stacklab refuses (an unsafe connection URI, a path with a newline) keeps its
// other settings; the refused one falls back to its default, and the original file is copied aside.
import { createHash } from 'node:crypto'
import { copyFile, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from '../../src-shared/settings'
import { issuesOf } from '../../src-shared/errors'
import { writeFileAtomic } from './atomic'
import type { Logger } from './log'

/** A value of the settings file that was not used, why, and where the original file is kept. */
export interface RefusedSetting {
  key: keyof Settings
  value: string
  reason: string
  keptAt: string
}

export class SettingsStore {
  readonly file: string
  private current: Settings = { ...DEFAULT_SETTINGS }
  private loading: Promise<void> | null = null
  private refusedAtLoad: RefusedSetting[] = []

  constructor(
    configDir: string,
    private readonly logger: Logger,
  ) {
    this.file = join(configDir, 'settings.json')
  }

  async get(): Promise<Settings> {
    await (this.loading ??= this.load())
    return { ...this.current }
  }

  /** Values of the settings file refused when it was read (until settings are saved again). */
  async refused(): Promise<RefusedSetting[]> {
    await (this.loading ??= this.load())
    return this.refusedAtLoad.map((r) => ({ ...r }))
  }

  /** A key given as `undefined` keeps its value (it is not a request to clear it). */
  async update(patch: { [K in keyof SettingsPatch]?: SettingsPatch[K] | undefined }): Promise<Settings> {
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    const next = Settings.parse({ ...(await this.get()), ...given })
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n')
    this.current = next
    // The file now holds what is in use; the refused original stays in its copy aside.
    this.refusedAtLoad = []
    this.logger.log('info', 'settings saved', { file: this.file, keys: Object.keys(patch) })
    return { ...next }
  }

  /** Read the file once; every caller waits for the same reading. */
  private async load(): Promise<void> {
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
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const aside = `${this.file}.damaged-${Date.now()}`
      await rename(this.file, aside)
      this.logger.log('warn', 'settings file was damaged; kept aside, defaults in use', { aside })
      return
    }
    // Each known key on its own, so one refused value does not cost the others. Unknown keys (from a newer
    // version) are ignored.
    const fields = parsed as Record<string, unknown>
    const next: Record<string, unknown> = { ...DEFAULT_SETTINGS }
    const refused: Omit<RefusedSetting, 'keptAt'>[] = []
    for (const [key, schema] of Object.entries(Settings.shape)) {
      if (!(key in fields)) continue
      const result = schema.safeParse(fields[key])
      if (result.success) next[key] = result.data
      else
        refused.push({
          key: key as keyof Settings,
          value: JSON.stringify(fields[key]).slice(0, 600),
          reason: issuesOf(result.error)
            .map((i) => i.message)
            .join('; '),
        })
    }
    this.current = Settings.parse(next)
    if (!refused.length) return
    // Named by content: the same refused file read at every start is copied once, not once per start.
    const aside = `${this.file}.refused-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`
    await copyFile(this.file, aside)
    this.refusedAtLoad = refused.map((r) => ({ ...r, keptAt: aside }))
    this.logger.log('warn', 'settings file holds values Stacklab refuses; defaults used for them', {
      aside,
      refused: refused.map((r) => ({ key: r.key, reason: r.reason })),
    })
  }
}
