// The browser host's reading of a request target: only origin-form paths with valid percent-encoding pass;
// everything else is a 400 (these inputs used to throw outside any handler and stop `stacklab serve`).
import { describe, expect, it } from 'vitest'
import { hostWellFormed, requestTarget } from '../../src-main/server/server'

describe('requestTarget', () => {
  it('reads the path and the query of an origin-form target', () => {
    const t = requestTarget('/index.html?token=abc&x=%20y')
    expect(t?.path).toBe('/index.html')
    expect(t?.params.get('token')).toBe('abc')
    expect(t?.params.get('x')).toBe(' y')
    expect(requestTarget('/assets/a%20b.js')?.path).toBe('/assets/a b.js')
    // Encoded separators are decoded; the file check after it keeps them inside the renderer.
    expect(requestTarget('/..%2f..%2fetc/passwd')?.path).toBe('/../../etc/passwd')
  })

  it.each([
    ['malformed percent-encoding', '/%E0%A4%A'],
    ['a lone percent', '/%'],
    ['a bad escape', '/%zz'],
    ['an encoded NUL', '/a%00b'],
    ['absolute-form', 'http://127.0.0.1:8080/?token=x'],
    ['a malformed absolute URL', 'http://[::1'],
    ['authority-form', '127.0.0.1:443'],
    ['asterisk-form', '*'],
    ['another host by //', '//evil.example/x'],
    ['another host by a backslash', '/\\evil.example/x'],
    ['nothing', ''],
    ['no target', undefined],
  ])('refuses %s', (_what, raw) => {
    expect(requestTarget(raw)).toBeNull()
  })
})

describe('hostWellFormed', () => {
  it.each(['127.0.0.1:8080', 'localhost:1', 'evil.example', 'evil.example:80', '[::1]:8080', '[::1]'])(
    'takes %s (then checked against the allowed hosts)',
    (host) => expect(hostWellFormed(host)).toBe(true),
  )
  it.each(['', '[::1', '127.0.0.1:8080:9', 'a b', 'host\x00x', 'h/x', 'x:port', ':80', 'h'.repeat(300)])(
    'refuses %j',
    (host) => expect(hostWellFormed(host)).toBe(false),
  )
  it('refuses a request without one', () => expect(hostWellFormed(undefined)).toBe(false))
})
