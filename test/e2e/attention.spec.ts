// Long work seen from outside the window, in a real browser against the real engine: while a lab build runs
// the tab's title shows its progress, and when it ends (here it fails for real: the template is not in the
// test repository) a desktop notification says so, once the learner allowed notifications. The browser's
// own Notification is wrapped only to record what was shown; it is still the browser's that shows it.
import { expect, test } from '@playwright/test'
import { defaultLab } from '../../src-shared/lab'
import { engineCall, url } from './engine'

declare global {
  interface Window {
    __notices: { title: string; body: string }[]
    __titles: string[]
  }
}

test('a lab build shows its progress in the tab title and a notification when it ends', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['notifications'])
  await page.addInitScript(() => {
    window.__notices = []
    window.__titles = []
    const Real = window.Notification
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        window.__notices.push({ title, body: options?.body ?? '' })
        super(title, options)
      }
    }
    window.Notification = Recorded
    new MutationObserver(() => window.__titles.push(document.title)).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
    })
  })
  await page.goto(url())
  await page.locator('#nav-jobs').click()
  await expect(page.locator('#jobs-notify-state')).toHaveAttribute('data-permission', 'granted')
  await expect(page).toHaveTitle('Stacklab')

  const lab = defaultLab('e2enotify')
  const job = await engineCall('lab.create', { definition: lab })
  try {
    await expect(page.locator(`#job-${job.id}-state`)).toHaveAttribute('data-state', 'failed', {
      timeout: 60_000,
    })
    await expect
      .poll(() => page.evaluate(() => window.__notices))
      .toContainEqual(expect.objectContaining({ title: 'Failed: Create lab e2enotify' }))
    const notice = (await page.evaluate(() => window.__notices)).find((n) => n.title.includes('e2enotify'))!
    // The body is the job's error, as the Jobs page says it.
    await expect(page.locator(`#job-${job.id}-error-message`)).toHaveText(notice.body)
    const titles = await page.evaluate(() => window.__titles)
    expect(
      titles.some((t) => /^\d+% · Create lab e2enotify — Stacklab$/.test(t)),
      titles.join(' | '),
    ).toBe(true)
    await expect(page).toHaveTitle('Stacklab')
    // Exactly one notification for the job, however many updates it had.
    expect(
      (await page.evaluate(() => window.__notices)).filter((n) => n.title.includes('Create lab')),
    ).toHaveLength(1)
  } finally {
    await engineCall('lab.delete', { name: 'e2enotify' })
    await expect
      .poll(async () => (await engineCall('labs.list', {})).map((l) => l.name), { timeout: 60_000 })
      .not.toContain('e2enotify')
  }
})

test('notifications are asked for only on the learner’s click', async ({ page }) => {
  await page.goto(url())
  await page.locator('#nav-jobs').click()
  const ask = page.locator('#jobs-notify')
  await expect(ask).toBeVisible()
  await ask.click()
  // The browser answers (here without a person to ask, it refuses); the page says what it answered.
  await expect(page.locator('#jobs-notify-state')).toHaveAttribute('data-permission', /granted|denied/)
  await expect(ask).toHaveCount(0)
})
