// Every string the renderer shows exists in English and Korean: each catalog has the same keys in both
// languages, no text is empty, and every literal key passed to t() in the renderer's source is defined.
// The same holds at compile time: t() takes only catalog keys, and a Korean catalog must match its English.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AREAS, isMessageKey, plural, translate } from '../../src-renderer/src/i18n'
import { catalog } from '../../src-renderer/src/i18n/catalog'

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

  it.each(Object.entries(AREAS))(
    'catalog %s fills the same placeholders in both languages',
    (_name, area) => {
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      for (const [key, text] of Object.entries(area.en))
        expect(names(area.ko[key] ?? ''), key).toEqual(names(text))
    },
  )

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

  it('counts take the form their number needs: one CPU, two CPUs; Korean has one form', () => {
    expect(plural('en', 'vm.hostCpus', 1)).toBe('1 CPU')
    expect(plural('en', 'vm.hostCpus', 16)).toBe('16 CPUs')
    expect(plural('ko', 'vm.hostCpus', 1)).toBe('CPU 1개')
    expect(plural('ko', 'vm.hostCpus', 16)).toBe('CPU 16개')
  })

  it('interpolates placeholders and keeps unknown ones visible', () => {
    const key = Object.keys(AREAS['common']!.en).find(isMessageKey)!
    expect(translate('ko', key)).toBe(AREAS['common']!.ko[key])
    // @ts-expect-error a key no catalog defines does not compile; forced in, it shows as itself
    expect(translate('en', 'missing.key')).toBe('missing.key')
  })

  it('keys are typed: unknown keys and Korean catalogs that differ from English fail the type check', () => {
    // Each @ts-expect-error below fails `npm run typecheck` the day its line compiles.
    // @ts-expect-error a page that does not exist has no label
    expect(translate('ko', 'nav.no-such-page')).toBe('nav.no-such-page')
    expect(translate('ko', 'nav.topology')).toBe(AREAS['common']!.ko['nav.topology'])
    const en = { 'x.one': 'One', 'x.two': 'Two' }
    // @ts-expect-error Korean misses a key
    catalog({ en, ko: { 'x.one': '하나' } })
    // @ts-expect-error Korean has a key English lacks
    catalog({ en, ko: { 'x.one': '하나', 'x.two': '둘', 'x.three': '셋' } })
    expect(catalog({ en, ko: { 'x.one': '하나', 'x.two': '둘' } }).ko['x.two']).toBe('둘')
    // Keys built from an engine's word are checked before use.
    expect(isMessageKey('state.running')).toBe(true)
    expect(isMessageKey('state.no-such-state')).toBe(false)
    expect(isMessageKey('toString')).toBe(false)
  })
})
