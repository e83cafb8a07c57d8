// The one helper for text from tools, guests and files (src-shared/text.ts): what a terminal would show,
// whether a value holds control characters, and text made harmless to print.
import { describe, expect, it } from 'vitest'
import { hasControl, printable, stripAnsi } from '../../src-shared/text'

describe('stripAnsi', () => {
  it('removes colours, cursor moves, titles and stray control characters, keeping tabs and line ends', () => {
    expect(stripAnsi('\x1b[0;31mERROR\x1b[0m \x1b[2K\x1b]0;title\x07ok')).toBe('ERROR ok')
    expect(stripAnsi('a\tb\r\nc\x00\x08\x7fd\x1bMe')).toBe('a\tb\r\ncde')
  })
})

describe('hasControl', () => {
  it('finds any C0 control character or DEL, line breaks included, and nothing in plain text', () => {
    for (const bad of ['a\nb', 'a\rb', 'tab\there', '\x00', '\x1b[2J', 'del\x7f'])
      expect(hasControl(bad)).toBe(true)
    expect(hasControl('plain text, ünïcödé and 한국어')).toBe(false)
  })
})

describe('printable', () => {
  it('turns C0 and C1 controls into ?, so no escape sequence reaches a terminal', () => {
    expect(printable('frob\x1b[2Jnicate\x9b31m\n')).toBe('frob?[2Jnicate?31m?')
    expect(printable('line one\n\tline two\x07', { keepLines: true })).toBe('line one\n\tline two?')
  })
})
