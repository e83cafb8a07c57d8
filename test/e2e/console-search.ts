// Browser tests read what a terminal holds through the page's own search box (xterm.js draws on a canvas or
// in spans, so its text is not the page's): the visible console's search is filled until it finds the text.
import { expect, type Page } from '@playwright/test'

/**
 * Waits until the visible console's search finds `text`: at least once, or exactly `count` times. `each`
 * runs before every try (typing a command again: keys typed while a console reconnects reach no shell).
 */
export async function consoleShows(
  page: Page,
  text: string,
  options: { count?: number; timeoutMs?: number; each?: () => Promise<void> } = {},
): Promise<void> {
  const search = page.locator('#console-search')
  const count = page.locator('#console-search-count')
  await expect(async () => {
    await options.each?.()
    await search.fill(text)
    await search.press('Enter')
    if (options.count === undefined)
      await expect(count).not.toHaveAttribute('data-count', /^(0|)$/, { timeout: 1000 })
    else await expect(count).toHaveAttribute('data-count', String(options.count), { timeout: 1000 })
  }).toPass({ timeout: options.timeoutMs ?? 20_000 })
}
