// The console contract's client-side helpers: the UTF-8 length clients acknowledge in, and ack batching.
import { afterEach, expect, it, vi } from 'vitest'
import { AckBatcher, ACK_BATCH_BYTES, utf8Length } from '../../src-shared/console'

afterEach(() => vi.useRealTimers())

it('counts UTF-8 bytes exactly as Buffer does, for 1- to 4-byte characters and lone surrogates', () => {
  const samples = ['', 'abc', 'é', '가나다', '🙂', 'a🙂b가é\n', '\ud800', 'x\udc00y', '\ud83d']
  for (const s of samples) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'))
  let random = ''
  for (let i = 0; i < 5000; i++) random += String.fromCodePoint(Math.floor(Math.random() * 0x10ffff) & ~0x800)
  expect(utf8Length(random)).toBe(Buffer.byteLength(random, 'utf8'))
})

it('sends acknowledgements in batches, and the rest once output goes quiet', () => {
  vi.useFakeTimers()
  const sent: number[] = []
  const acks = new AckBatcher((n) => sent.push(n))
  for (let i = 0; i < 10; i++) acks.written(ACK_BATCH_BYTES / 4)
  expect(sent).toEqual([ACK_BATCH_BYTES, ACK_BATCH_BYTES])
  vi.advanceTimersByTime(100)
  expect(sent).toEqual([ACK_BATCH_BYTES, ACK_BATCH_BYTES, ACK_BATCH_BYTES / 2])
  expect(sent.reduce((a, b) => a + b)).toBe((10 * ACK_BATCH_BYTES) / 4)
  acks.written(5)
  acks.dispose()
  vi.advanceTimersByTime(100)
  expect(sent).toHaveLength(3)
})
