// virt-builder failures get a class and a fix each (issue #13, item 5): on what virt-builder 1.48 printed
// here (template-not-found, signature-wrong-key) and on outputs users reported (xfs-expand-unavailable,
// partition-not-found); see test/fixtures/virt-builder/SOURCES.md.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  BUILDER_ERRORS,
  classifyBuilderError,
  explainBuilderError,
} from '../../src-main/engine/provision/image'

const stderr = (name: string) => readFileSync(join(__dirname, '../fixtures/virt-builder', name), 'utf8')

describe('virt-builder errors', () => {
  it.each([
    ['xfs-expand-unavailable.txt', 'xfs-expand', /install libguestfs-xfs/],
    ['partition-not-found.txt', 'partition-not-found', /expand a partition|\(\/dev\/sda5\)/],
    ['template-not-found.txt', 'template-not-found', /template source in Settings/],
    ['signature-wrong-key.txt', 'signature', /gpgkey=/],
  ])('%s -> %s', (file, id, fix) => {
    const c = classifyBuilderError(stderr(file))
    expect(c?.id).toBe(id)
    expect(c?.hint).toMatch(fix)
    expect(explainBuilderError(stderr(file))).toBe(c?.hint)
  })

  it('the partition named in the error is in the fix', () => {
    expect(classifyBuilderError(stderr('partition-not-found.txt'))?.hint).toMatch(
      /^The template names a partition to expand \(\/dev\/sda5\)/,
    )
  })

  it('each class fires on its own error only', () => {
    const files = [
      'xfs-expand-unavailable.txt',
      'partition-not-found.txt',
      'template-not-found.txt',
      'signature-wrong-key.txt',
    ]
    for (const { id, pattern } of BUILDER_ERRORS)
      expect(
        files.filter((f) => pattern.test(stderr(f).replace(/\s+/g, ' '))).length,
        id,
      ).toBeLessThanOrEqual(1)
    // A generic failure (a guest that ran out of disk) is not given a wrong fix.
    expect(
      explainBuilderError('virt-builder: error: libguestfs error: write: No space left on device'),
    ).toBeNull()
  })
})
