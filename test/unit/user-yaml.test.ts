// The YAML reader for lab and node files (the CLI's and the wizard's): plain YAML passes; every YAML
// feature a lab file has no use for is refused by name and place, before it can change what is read; a
// file that would make the parser spend seconds or its stack is refused before parsing.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { defaultLab } from '../../src-shared/lab'
import { MAX_LAB_FILE_BYTES, YamlRefused, parseUserYaml } from '../../src-shared/user-yaml'

function refusal(text: string): string {
  try {
    parseUserYaml(text)
  } catch (error) {
    if (error instanceof YamlRefused) return error.message
    throw error
  }
  throw new Error('accepted')
}

describe('parseUserYaml', () => {
  it('reads the default lab as the yaml package writes it, and core tags that change nothing', () => {
    expect(parseUserYaml(stringify(defaultLab()))).toEqual(defaultLab())
    expect(parseUserYaml('a: !!str 12\nb: !!int "7"\n')).toEqual({ a: '12', b: 7 })
    expect(parseUserYaml('"<<": quoted, so an ordinary key\n')).toEqual({
      '<<': 'quoted, so an ordinary key',
    })
  })

  it('refuses merge keys, anchors, aliases, tags, complex keys, duplicates and extra documents by name', () => {
    expect(refusal('a: &x {b: 1}\nc:\n  <<: *x\n')).toMatch(
      /c, line 3: YAML merge keys \(<<\) are not supported/,
    )
    expect(refusal('a: &x [1]\nb: *x\n')).toMatch(
      /a, line 1: YAML anchors \(&x\) are not supported.*b, line 2: YAML aliases \(\*x\) are not supported/,
    )
    expect(refusal('a: !!binary aGVsbG8=\n')).toMatch(/a, line 1: YAML tags \(!!binary\) are not supported/)
    expect(refusal('a: !!set {x, y}\n')).toMatch(/YAML tags \(!!set\) are not supported/)
    expect(refusal('a: !foo bar\n')).toMatch(/YAML tags \(!foo\) are not supported/)
    expect(refusal('? [a, b]\n: 1\n')).toMatch(/complex mapping keys/)
    expect(refusal('a:\n  b: 1\n  b: 2\n')).toMatch(/a, line 3: the key b is given twice/)
    expect(refusal('a: 1\n---\nb: 2\n')).toMatch(/line 2: holds 2 YAML documents/)
    expect(refusal('')).toMatch(/holds no YAML document/)
    expect(refusal('# only a comment\n')).toMatch(/holds no YAML document/)
    expect(refusal('a: [unclosed\n')).toMatch(/is not valid YAML/)
  })

  it('refuses a billion-laughs file without expanding it', () => {
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i)
      const next = String.fromCharCode(97 + i)
      laughs.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(', ')}]`)
    }
    expect(refusal(laughs.join('\n'))).toMatch(/YAML aliases \(\*a\) are not supported/)
  })

  it('refuses a file over 1 MiB, and nesting no lab file has, before parsing', () => {
    expect(refusal(`# ${'x'.repeat(MAX_LAB_FILE_BYTES)}\nname: lab1\n`)).toMatch(
      /is 1048590 bytes; a lab file may be at most 1 MiB/,
    )
    // The parser would overflow its stack on these (or spend seconds): refused by a linear scan first.
    expect(refusal('['.repeat(200_000) + ']'.repeat(200_000))).toMatch(/more than 1024 \[ and \{/)
    expect(refusal(`a: "${']'.repeat(5000)}"\nb: ${'['.repeat(2000)}`)).toMatch(/more than 1024 \[ and \{/)
    expect(refusal('- '.repeat(100_000) + 'x')).toMatch(/more than 64 nested entries on one line/)
    expect(refusal(Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'))).toMatch(
      /line 130: is indented more than 128 columns/,
    )
  })

  it('finds duplicate keys itself (the package compares every pair of keys: 20,000 keys took 36 s)', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `k${i}: v`)
    expect(refusal([...keys, 'k7: again'].join('\n'))).toMatch(/line 2001: the key k7 is given twice/)
  })

  it('reads __proto__ as an ordinary key: no prototype is changed', () => {
    const value = parseUserYaml('__proto__: {polluted: true}\n') as Record<string, unknown>
    expect(Object.keys(value)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('refuses every held-out YAML fixture the CLI refuses with exit 2 (the wizard reads the same way)', () => {
    const dir = join(__dirname, '../fixtures/labs/bad')
    const yamlLevel = readdirSync(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes('# exit: 2'))
    expect(yamlLevel.length).toBeGreaterThanOrEqual(6)
    for (const f of yamlLevel) {
      const text = readFileSync(join(dir, f), 'utf8')
      const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]!)
      const said = refusal(text)
      for (const e of expected) expect(said, f).toContain(e)
    }
  })
})
