// Every string the renderer shows exists in English and Korean: each catalog has the same keys in both
// languages, no text is empty, and every literal key passed to t() in the renderer's source is defined.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AREAS, translate } from '../../src-renderer/src/i18n'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) ? [path] : []
  })
}

describe('translations', () => {
  it.each(Object.entries(AREAS))('catalog %s has the same keys in English and Korean', (_name, area) => {
    expect(Object.keys(area.ko).sort()).toEqual(Object.keys(area.en).sort())
    for (const [key, text] of [...Object.entries(area.en), ...Object.entries(area.ko)])
      expect(text.trim(), key).not.toBe('')
  })

  it('no key is defined by two areas', () => {
    const seen = new Map<string, string>()
    for (const [name, area] of Object.entries(AREAS))
      for (const key of Object.keys(area.en)) {
        expect(seen.get(key), `${key} in ${name}`).toBeUndefined()
        seen.set(key, name)
      }
  })

  it('every key the renderer uses is defined', () => {
    const known = new Set(Object.values(AREAS).flatMap((a) => Object.keys(a.en)))
    const missing: string[] = []
    for (const file of sources('src-renderer/src')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g))
        if (!known.has(m[1]!)) missing.push(`${file}: ${m[1]}`)
    }
    expect(missing).toEqual([])
  })

  it('interpolates placeholders and keeps unknown ones visible', () => {
    const key = Object.keys(AREAS['common']!.en)[0]!
    expect(translate('ko', key)).toBe(AREAS['common']!.ko[key])
    expect(translate('en', 'missing.key')).toBe('missing.key')
  })
})
