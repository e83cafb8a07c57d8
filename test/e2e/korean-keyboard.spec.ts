// Korean typography, one word per VM state, plurals and the keyboard (issue #17), in Chromium against the
// shared engine and libvirt's test driver: Korean words never broken inside a line (computed style and the
// line boxes of every word), line heights the same in both languages, a VM's state said the same on the
// diagram, the list, its details and the Checkpoints page (and a snapshot's), counted phrases in their
// plural forms, and the keyboard: the view toggle's focus ring whole, the diagram's boxes tabbed in the
// order they are seen, focus back on the box when its details close, focus on the heading of each page
// reached, the zoom controls as a labelled group, and checkboxes with a 24 px hit area.
import { expect, test, type Page } from '@playwright/test'
import { defineDomain, removeDomain, virsh } from './libvirt'
import { translate } from '../../src-renderer/src/i18n'
import { join } from 'node:path'
import { LabStore } from '../../src-main/engine/lab/store'
import { xdgEnv } from '../helpers'
import { readyLab } from './lab-record'

const url = () => process.env['STACKLAB_URL']!
const uri = () => process.env['STACKLAB_TEST_URI']!
const OFF = 'ko-off'
const PAUSED = 'ko-paused'

test.beforeAll(() => {
  for (const name of [OFF, PAUSED]) removeDomain(uri(), name)
  defineDomain(uri(), { name: OFF, nics: [{ network: 'default', mac: '52:54:00:4b:00:01' }] })
  defineDomain(uri(), { name: PAUSED, nics: [{ network: 'default', mac: '52:54:00:4b:00:02' }] }, true)
  virsh('suspend', PAUSED)
  virsh('snapshot-create-as', OFF, 'before')
})
test.afterAll(() => {
  try {
    virsh('snapshot-delete', OFF, 'before')
  } catch {
    /* gone with the domain */
  }
  for (const name of [OFF, PAUSED]) removeDomain(uri(), name)
})

async function go(page: Page, id: string) {
  await page.locator(`#nav-${id}`).click()
  await expect(page.locator(`#nav-${id}`)).toHaveAttribute('aria-current', 'page')
  if (id === 'topology') await expect(page.locator('#topology-graph')).toHaveAttribute('data-layout', 'done')
}

async function navIds(page: Page): Promise<string[]> {
  return page.locator('nav button[id^="nav-"]').evaluateAll((els) => els.map((e) => e.id.slice(4)))
}

async function setLang(page: Page, lang: 'en' | 'ko') {
  await page.locator('#lang-select').selectOption(lang)
  await expect(page.locator('html')).toHaveAttribute('lang', lang)
}

/** Every visible Korean text's words that a line break cuts, and how many Korean texts wrap at all. */
async function brokenKoreanWords(
  page: Page,
): Promise<{ broken: string[]; wrapped: number; styles: string[] }> {
  return page.evaluate(() => {
    const broken: string[] = []
    const styles = new Set<string>()
    let wrapped = 0
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? ''
      const parent = n.parentElement
      if (!/[\uac00-\ud7a3]/.test(text) || !parent?.checkVisibility()) continue
      styles.add(getComputedStyle(parent).wordBreak)
      const lines = new Set<number>()
      // A Korean word: a run of Hangul syllables (Latin words, paths and hyphenated names follow the usual
      // rules and may wrap at a hyphen or, as an overflow fallback, anywhere).
      for (const m of text.matchAll(/[\uac00-\ud7a3]+/g)) {
        const range = document.createRange()
        range.setStart(n, m.index)
        range.setEnd(n, m.index + m[0].length)
        const tops = new Set(
          Array.from(range.getClientRects())
            .filter((r) => r.width > 0)
            .map((r) => Math.round(r.top)),
        )
        for (const top of tops) lines.add(top)
        if (tops.size > 1) broken.push(`${m[0]} in "${text.slice(0, 40)}…"`)
      }
      if (lines.size > 1) wrapped++
    }
    return { broken, wrapped, styles: [...styles] }
  })
}

test('Korean: no page breaks a word inside, and a line is as tall in Korean as in English', async ({
  page,
}) => {
  // Narrow enough that long sentences wrap on every page.
  await page.setViewportSize({ width: 1024, height: 800 })
  await page.goto(url())
  await setLang(page, 'en')
  await go(page, 'topology')
  const heights = async () =>
    page.evaluate(() =>
      ['#nav-topology', '#nav-preflight', '#topology-heading', '#lang-select'].map((s) =>
        Math.round(document.querySelector(s)!.getBoundingClientRect().height),
      ),
    )
  const english = await heights()
  await setLang(page, 'ko')
  expect(await page.evaluate(() => getComputedStyle(document.body).wordBreak)).toBe('keep-all')
  // One line in English is one line of the same height in Korean.
  expect(await heights()).toEqual(english)

  let wrapped = 0
  for (const id of await navIds(page)) {
    await go(page, id)
    const found = await brokenKoreanWords(page)
    expect(found.broken, `${id}: Korean words broken inside`).toEqual([])
    expect(found.styles, id).toEqual(['keep-all'])
    wrapped += found.wrapped
  }
  // The check saw sentences that do wrap (the legend, intros, the unreachable or first-run texts).
  expect(wrapped).toBeGreaterThan(3)
  // The legend, a long sentence, in particular: several lines, each break at a space.
  await go(page, 'topology')
  const lines = await page.locator('.topology-page > .small-print').evaluate((el) => {
    return Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))
  })
  expect(lines).toBeGreaterThan(1)
  await setLang(page, 'en')
})

test('Korean: the Lessons page with a lesson open breaks no word inside', async ({ page }) => {
  // A built lab in the shared engine's data (its node is not there: the console says it cannot connect).
  const store = new LabStore(join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab'))
  await store.save(readyLab('ko-lessons', 'debian-12-stacklab', { release: 'test' }))
  try {
    await page.setViewportSize({ width: 1024, height: 800 })
    await page.goto(url())
    await setLang(page, 'ko')
    await go(page, 'lessons')
    await page.locator('#lessons-lab').selectOption('ko-lessons')
    await expect(page.locator('#lesson-ui-debian-only-why')).toBeVisible()
    let found = await brokenKoreanWords(page)
    expect(found.broken, 'the list').toEqual([])
    expect(found.styles, 'the list').toEqual(['keep-all'])
    await page.locator('#lesson-ui-basics-open').click()
    await expect(page.locator('#lesson-title')).toHaveText('메모와 목록')
    found = await brokenKoreanWords(page)
    expect(found.broken, 'the lesson').toEqual([])
    expect(found.styles, 'the lesson').toEqual(['keep-all'])
    expect(found.wrapped).toBeGreaterThan(0)
    await page.locator('#lessons-back').click()
  } finally {
    await store.remove('ko-lessons')
    await setLang(page, 'en')
  }
})

/** The state word of a VM on the diagram, the list, its details and the Checkpoints page. */
async function stateWords(page: Page, name: string): Promise<string[]> {
  await go(page, 'topology')
  const box = (await page.locator(`#node-${name}-state`).textContent())!
  await page.locator(`#node-${name}`).click()
  const details = (await page.locator('#details-panel .details-fields .state-pill').textContent())!
  await page.locator('#details-close').click()
  await page.locator('#topology-view-list').click()
  const list = (await page.locator(`#list-node-${name} .state-pill`).textContent())!
  await page.locator('#topology-view-graph').click()
  await go(page, 'checkpoints')
  await page.locator('#checkpoints-scope').selectOption('(custom)')
  const picker = (await page.locator(`#checkpoints-domain-${name}-state`).textContent())!
  return [box, details, list, picker]
}

test('a VM state is one word on the diagram, the list, the details and Checkpoints, in both languages', async ({
  page,
}) => {
  await page.goto(url())
  for (const lang of ['en', 'ko'] as const) {
    await setLang(page, lang)
    for (const [name, state] of [
      [OFF, 'shutoff'],
      [PAUSED, 'paused'],
      ['test', 'running'],
    ] as const) {
      const word = translate(lang, `state.${state}`)
      expect(await stateWords(page, name), `${name} in ${lang}`).toEqual([word, word, word, word])
    }
    // A snapshot keeps the state its VM was in, said with the same word.
    await page.locator(`#checkpoints-domain-${OFF}`).check()
    await expect(page.locator(`#snapshot-${OFF}-before-state`)).toHaveText(translate(lang, 'state.shutoff'))
    await page.locator(`#checkpoints-domain-${OFF}`).uncheck()
  }
  await setLang(page, 'en')
})

test('counted phrases use the plural form, never "(s)"', async ({ page }) => {
  await page.goto(url())
  await setLang(page, 'en')
  await go(page, 'checkpoints')
  await page.locator('#checkpoints-scope').selectOption('(custom)')
  await page.locator(`#checkpoints-domain-${OFF}`).check()
  await expect(page.locator('#checkpoint-create')).toHaveText('Take checkpoint of 1 VM')
  await page.locator(`#checkpoints-domain-${PAUSED}`).check()
  await expect(page.locator('#checkpoint-create')).toHaveText('Take checkpoint of 2 VMs')
  await setLang(page, 'ko')
  await expect(page.locator('#checkpoint-create')).toHaveText('VM 2개의 체크포인트 만들기')
  await page.locator(`#checkpoints-domain-${PAUSED}`).uncheck()
  await expect(page.locator('#checkpoint-create')).toHaveText('VM 1개의 체크포인트 만들기')
  await setLang(page, 'en')
  await page.locator(`#checkpoints-domain-${OFF}`).uncheck()
  // The topology's counts, as libvirt has them: "1 network", "3 VMs".
  const vms = virsh('list', '--all', '--name').split('\n').filter(Boolean).length
  const running = virsh('list', '--state-running', '--name').split('\n').filter(Boolean).length
  const nets = virsh('net-list', '--all', '--name').split('\n').filter(Boolean).length
  const say = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
  await go(page, 'topology')
  await expect(page.locator('#topology-counts')).toHaveText(
    `${say(vms, 'VM', 'VMs')} (${running} running) on ${say(nets, 'network', 'networks')}`,
  )
  const texts = await page.locator('main').innerText()
  expect(texts).not.toContain('(s)')
})

test('the connection shows as a short chip, the whole URI in its tooltip; the tab has a favicon', async ({
  page,
}) => {
  await page.goto(url())
  await go(page, 'topology')
  const chip = page.locator('#topology-uri')
  await expect(chip).toHaveAttribute('title', uri())
  await expect(chip).toHaveText(uri().split('?')[0]!)
  expect(uri()).toContain('?socket=') // the test URI is the long kind the subtitle must not spell out
  await expect(page.locator('.page-sub')).not.toContainText('socket=')
  const icon = await page.locator('link[rel="icon"]').getAttribute('href')
  const res = await page.request.get(new URL(icon!, page.url()).toString())
  expect(res.status()).toBe(200)
  expect(res.headers()['content-type']).toBe('image/svg+xml')
})

test('every page has one header: a focusable title, a subtitle, actions on the right', async ({ page }) => {
  await page.goto(url())
  for (const id of await navIds(page)) {
    await go(page, id)
    const head = page.locator('main header.page-head')
    await expect(head, id).toHaveCount(1)
    await expect(head.locator('> .page-head-text > h1[tabindex="-1"]'), id).toHaveCount(1)
    await expect(head.locator('> .page-head-text > .page-sub'), id).not.toBeEmpty()
    // Whatever the page offers in its header is in the actions box, not beside the title.
    expect(await head.locator('> :not(.page-head-text, .page-actions)').count(), id).toBe(0)
  }
})

/** The focused element's outline box lies inside every ancestor that clips its content. */
async function focusRingClipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement
    const style = getComputedStyle(el)
    if (!el.matches(':focus-visible') || style.outlineStyle === 'none') return ['no visible focus ring']
    const grow = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset)
    const r = el.getBoundingClientRect()
    const ring = { left: r.left - grow, top: r.top - grow, right: r.right + grow, bottom: r.bottom + grow }
    const clipped: string[] = []
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a)
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue
      const b = a.getBoundingClientRect()
      const clip = {
        left: b.left + a.clientLeft,
        top: b.top + a.clientTop,
        right: b.left + a.clientLeft + a.clientWidth,
        bottom: b.top + a.clientTop + a.clientHeight,
      }
      if (
        ring.left < clip.left ||
        ring.top < clip.top ||
        ring.right > clip.right ||
        ring.bottom > clip.bottom
      )
        clipped.push(`${a.tagName}.${a.className}`)
    }
    return clipped
  })
}

test('keyboard: toggle ring whole, boxes in visual order, focus back from details, headings, zoom group', async ({
  page,
}) => {
  await page.goto(url())
  await setLang(page, 'en')
  await go(page, 'jobs')
  // Every page reached from the navigation by keyboard puts focus on its heading.
  for (const id of await navIds(page)) {
    await page.locator(`#nav-${id}`).focus()
    await page.keyboard.press('Enter')
    await expect(page.locator(`#nav-${id}`)).toHaveAttribute('aria-current', 'page')
    const heading = await page.locator('main h1').getAttribute('id')
    await expect(page.locator(`#${heading}`), id).toBeFocused()
  }
  await go(page, 'topology')

  // The Diagram/List toggle: Tab reaches it, and its ring is not cut by the group around it.
  await page.locator('#topology-heading').focus()
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate(() => document.activeElement?.id === 'topology-view-graph')) break
  }
  await expect(page.locator('#topology-view-graph')).toBeFocused()
  expect(await focusRingClipped(page)).toEqual([])
  await page.keyboard.press('Tab')
  await expect(page.locator('#topology-view-list')).toBeFocused()
  expect(await focusRingClipped(page)).toEqual([])

  // The boxes as seen: a box's place is its frame's (a lab's VMs sit in one), then its own; left, then top.
  const expected = await page.evaluate(() => {
    const boxes = Array.from(
      document.querySelectorAll<HTMLElement>('#topology-graph .topo-node[role="button"]'),
    )
    const frames = Array.from(document.querySelectorAll<HTMLElement>('#topology-graph .topo-lab'))
    const place = (r: DOMRect) => [Math.round(r.left), Math.round(r.top)] as const
    const keyed = boxes.map((b) => {
      const r = b.getBoundingClientRect()
      const frame = frames.find((f) => {
        const fr = f.getBoundingClientRect()
        return r.left >= fr.left && r.right <= fr.right && r.top >= fr.top && r.bottom <= fr.bottom
      })
      return { id: b.id, outer: place(frame ? frame.getBoundingClientRect() : r), own: place(r) }
    })
    keyed.sort(
      (a, b) =>
        a.outer[0] - b.outer[0] || a.outer[1] - b.outer[1] || a.own[0] - b.own[0] || a.own[1] - b.own[1],
    )
    return keyed.map((k) => k.id)
  })
  expect(expected.length).toBeGreaterThanOrEqual(4)
  const tabbed: string[] = []
  for (let i = 0; i < expected.length * 3 + 10 && tabbed.length < expected.length; i++) {
    await page.keyboard.press('Tab')
    const id = await page.evaluate(() =>
      document.activeElement?.matches('.topo-node[role="button"]') ? document.activeElement.id : null,
    )
    if (id) tabbed.push(id)
  }
  expect(tabbed).toEqual(expected)

  // The zoom controls: one group with a name, holding the zoom buttons.
  const zoom = page.getByRole('group', { name: 'Diagram controls' })
  await expect(zoom).toBeVisible()
  await expect(zoom.getByRole('button', { name: 'Zoom in' })).toBeVisible()
  await expect(zoom.getByRole('button', { name: 'Fit the whole diagram' })).toBeVisible()

  // Details opened from a box by keyboard, closed by its button or Escape: focus is back on the box.
  await page.locator(`#node-${OFF}`).focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('#details-close')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.locator('#details-panel')).toHaveCount(0)
  await expect(page.locator(`#node-${OFF}`)).toBeFocused()
  await page.keyboard.press('Space')
  await expect(page.locator('#details-panel')).toHaveAttribute('data-name', OFF)
  await page.keyboard.press('Escape')
  await expect(page.locator(`#node-${OFF}`)).toBeFocused()
  // And from the list view's row.
  await page.locator('#topology-view-list').click()
  await page.locator(`#list-node-${PAUSED}`).focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('#details-close')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(page.locator(`#list-node-${PAUSED}`)).toBeFocused()
  await page.locator('#topology-view-graph').click()
})

/** Points of the 24x24 square around each visible checkbox that do not hit it or its label. */
async function smallCheckboxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const misses: string[] = []
    for (const box of Array.from(
      document.querySelectorAll<HTMLInputElement>('main input[type="checkbox"]'),
    )) {
      if (!box.checkVisibility()) continue
      const r = box.getBoundingClientRect()
      const cx = r.left + r.width / 2
      const cy = r.top + r.height / 2
      for (const [dx, dy] of [
        [-11.5, -11.5],
        [11.5, -11.5],
        [-11.5, 11.5],
        [11.5, 11.5],
      ] as const) {
        const hit = document.elementFromPoint(cx + dx, cy + dy)
        const ok = hit === box || (hit && box.labels && Array.from(box.labels).some((l) => l.contains(hit)))
        if (!ok) misses.push(`${box.id}@${dx},${dy}`)
      }
    }
    return misses
  })
}

test('checkboxes take a click anywhere in a 24 px square around them', async ({ page }) => {
  await page.goto(url())
  await go(page, 'checkpoints')
  await page.locator('#checkpoints-scope').selectOption('(custom)')
  await expect(page.locator(`#checkpoints-domain-${OFF}`)).toBeVisible()
  expect(await smallCheckboxes(page)).toEqual([])
  // A click at the square's corner ticks it.
  const r = (await page.locator(`#checkpoints-domain-${OFF}`).boundingBox())!
  await page.mouse.click(r.x + r.width / 2 - 11.5, r.y + r.height / 2 + 11.5)
  await expect(page.locator(`#checkpoints-domain-${OFF}`)).toBeChecked()
  await page.locator(`#checkpoints-domain-${OFF}`).uncheck()
  await go(page, 'settings')
  expect(await page.locator('main input[type="checkbox"]').count()).toBeGreaterThan(0)
  expect(await smallCheckboxes(page)).toEqual([])
})
