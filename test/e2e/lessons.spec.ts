// The Lessons page in a real browser against the served engine: a lab whose node is a real OpenSSH server
// (test/harness/console-lab.ts) and the lessons of test/fixtures/lessons-ui (STACKLAB_LESSONS_DIR, set by
// the global setup), whose checks are plain shell in a folder the test's sshd gives its sessions. The
// learner's path: a lesson the lab cannot take says why; the lesson opens beside the controller's SSH shell;
// Check says what is missing; the command typed in the console makes it pass; hints one at a time; "Do it
// for me" passes another task; a check that cannot run and a solution that fails say so; the progress is
// there after a reload; the same page in Korean shows the lesson's Korean text; a failed start, Reset's
// question, and engines with no lessons or an unreadable lessons folder.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startConsoleLab, type ConsoleLab } from '../harness/console-lab'
import { serveWithSettings } from '../harness/serve'
import { xdgEnv } from '../helpers'
import { consoleShows } from './console-search'
import { engineCall, virsh } from './engine'

const LAB = 'leslab'
// The README's screenshot goes to test-results/ so a run leaves the tree clean;
// `STACKLAB_UPDATE_DOCS=1 npx playwright test test/e2e/lessons.spec.ts` writes it to docs/ instead.
const README_SCREENSHOT =
  process.env['STACKLAB_UPDATE_DOCS'] === '1'
    ? 'docs/screenshot-lessons.png'
    : 'test-results/screenshots/lessons-readme.png'
let lab: ConsoleLab
let work: string

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  const data = join(xdgEnv(process.env['STACKLAB_TEST_XDG']!).XDG_DATA_HOME, 'stacklab')
  mkdirSync(data, { recursive: true })
  work = mkdtempSync(join(tmpdir(), 'stacklab-lessons-'))
  lab = await startConsoleLab(data, LAB, 'controller', `SetEnv LESSON_DIR=${work}`)
})
test.afterAll(async () => {
  for (const s of await engineCall('consoles.list', {}))
    if (s.lab === LAB) await engineCall('console.close', { id: s.id })
  await lab?.stop()
  rmSync(work, { recursive: true, force: true })
})

async function openLessons(page: Page) {
  await page.locator('#nav-lessons').click()
  await expect(page.locator('#nav-lessons')).toHaveAttribute('aria-current', 'page')
  await page.locator('#lessons-lab').selectOption(LAB)
}

async function setLang(page: Page, lang: 'en' | 'ko') {
  await page.locator('#lang-select').selectOption(lang)
  await expect(page.locator('html')).toHaveAttribute('lang', lang)
}

test('a lesson beside its SSH console: check, type the command, check again, hints, do it for me', async ({
  page,
}) => {
  await page.goto(process.env['STACKLAB_URL']!)
  await setLang(page, 'en')
  await openLessons(page)

  // A lesson this lab (a packstack preset, one controller, no OpenStack) cannot take says why, plainly.
  const other = page.locator('#lesson-ui-debian-only')
  await expect(other).toHaveAttribute('data-fits', 'false')
  const why = other.locator('#lesson-ui-debian-only-why')
  await expect(why).toContainText("it needs a lab installed from Debian's packages")
  await expect(why).toContainText('it needs OpenStack installed')
  await expect(why).toContainText('it needs a compute node')
  await expect(other).toContainText('Follows "A note and a list"')
  const basics = page.locator('#lesson-ui-basics')
  await expect(basics).toHaveAttribute('data-fits', 'true')
  await expect(basics).toContainText('about 5 minutes · 3 tasks')
  await expect(basics.locator('#lesson-ui-basics-why')).toHaveCount(0)

  await page.locator('#lesson-ui-basics-open').click()
  await expect(page.locator('#lesson-title')).toHaveText('A note and a list')
  await expect(page.locator('#lesson-progress')).toHaveText('0 of 3 tasks passed')
  await expect(page.locator('#lesson-started')).toContainText('Not started')
  // Reset has nothing to go back to before the lesson started, and says so.
  await expect(page.locator('#lesson-reset')).toBeDisabled()
  await expect(page.locator('#lesson-reset-why')).toContainText('start it first')

  // The controller's SSH shell is open and ready beside the lesson, without taking the keyboard.
  const term = page.locator('#lesson-term')
  await expect(term).toHaveAttribute('data-console-id', /[0-9a-f-]{36}/)
  await expect(page.locator('#lesson-title')).not.toBeFocused()
  await consoleShows(page, `${userInfo().username}@`)

  // Check: not yet, with what is missing in the lesson's words and what was seen.
  const note = page.locator('#task-write-note')
  await expect(note.locator('code')).toHaveText('echo ready > "$LESSON_DIR/note"')
  await note.locator('#task-write-note-check').click()
  await expect(note.locator('#task-write-note-verdict')).toHaveAttribute('data-verdict', 'not-yet')
  await expect(note.locator('#task-write-note-verdict')).toHaveText('Not yet')
  const findings = note.locator('#task-write-note-findings')
  await expect(findings).toContainText('The note does not say ready yet.')
  await findings.locator('summary').first().click()
  await expect(findings.locator('pre')).toContainText('No such file or directory')
  // The language switch shows the lesson's other text at once, findings included.
  await setLang(page, 'ko')
  await expect(page.locator('#lesson-title')).toHaveText('메모와 목록')
  await expect(findings).toContainText('메모에 아직 ready 가 없습니다.')
  await expect(note.locator('#task-write-note-verdict')).toHaveText('아직')
  await setLang(page, 'en')

  // Hints one at a time, the count kept by the engine.
  await expect(page.locator('#task-write-note-hint')).toHaveText('Show a hint (1 of 3)')
  await page.locator('#task-write-note-hint').click()
  await expect(page.locator('#task-write-note-hint-1')).toContainText(
    'The folder is in the variable LESSON_DIR.',
  )
  await expect(page.locator('#task-write-note-hint-2')).toHaveCount(0)
  await expect(page.locator('#task-write-note-hint')).toHaveText('Show a hint (2 of 3)')
  await page.locator('#task-write-note-hint').click()
  await expect(page.locator('#task-write-note-hint-2')).toContainText('echo writes a word')
  await expect(page.locator('#task-write-note-hint-3')).toHaveCount(0)

  // The learner types the command in the SSH console, then Check passes.
  await term.click()
  await page.keyboard.type('echo ready > "$LESSON_DIR/note"\n')
  await expect(async () => {
    await note.locator('#task-write-note-check').click()
    await expect(note.locator('#task-write-note-verdict')).toHaveAttribute('data-verdict', 'passed', {
      timeout: 2000,
    })
  }).toPass({ timeout: 20_000 })
  await expect(findings).toContainText('the output contains ready')
  await expect(page.locator('#lesson-progress')).toHaveText('1 of 3 tasks passed')

  // "Do it for me" on the next task: a job with its progress, then the task passes.
  const fruit = page.locator('#task-list-fruit')
  await fruit.locator('#task-list-fruit-check').click()
  await expect(fruit.locator('#task-list-fruit-findings')).toContainText('There is no apple in the list.')
  await fruit.locator('#task-list-fruit-solve').click()
  await expect(fruit.locator('#task-list-fruit-job')).toBeVisible()
  await expect(fruit.locator('#task-list-fruit-job')).toHaveAttribute('data-state', 'succeeded')
  await expect(fruit.locator('#task-list-fruit-verdict')).toHaveAttribute('data-verdict', 'passed')
  await expect(fruit.locator('#task-list-fruit-verdict')).toContainText('done by Stacklab')
  await expect(fruit.locator('#task-list-fruit-findings')).toContainText('an item has Name')
  await expect(page.locator('#lesson-progress')).toHaveText('2 of 3 tasks passed')

  // A check that cannot run says so, and that it is not the learner's doing.
  const admin = page.locator('#task-admin-view')
  await admin.locator('#task-admin-view-check').click()
  await expect(admin.locator('#task-admin-view-verdict')).toHaveAttribute('data-verdict', 'could-not-check')
  await expect(admin.locator('#task-admin-view-findings-problem')).toContainText(
    'not something you did wrong',
  )
  await expect(admin.locator('#task-admin-view-findings-problem')).toContainText(
    'no OpenStack admin credentials',
  )
  // A solution that fails: the job fails and says why.
  await admin.locator('#task-admin-view-solve').click()
  await expect(admin.locator('#task-admin-view-job')).toHaveAttribute('data-state', 'failed')
  await expect(admin.locator('#task-admin-view-job-error')).toContainText('It did not finish')
  await expect(admin.locator('#task-admin-view-verdict')).not.toHaveAttribute('data-verdict', 'passed')

  // Check all: every task's verdict at once.
  await page.locator('#lesson-check-all').click()
  await expect(page.locator('#lesson-check-all')).toHaveText('Check all')
  await expect(note.locator('#task-write-note-verdict')).toHaveAttribute('data-verdict', 'passed')
  await expect(fruit.locator('#task-list-fruit-verdict')).toHaveAttribute('data-verdict', 'passed')
  await expect(page.locator('#lesson-progress')).toHaveText('2 of 3 tasks passed')
  await page.screenshot({ path: 'test-results/screenshots/lessons.png' })
  // The README's screenshot: the lesson with its findings beside the console.
  await page.setViewportSize({ width: 1440, height: 900 })
  await page.locator('#task-write-note-findings summary').first().click() // the detail folded again
  await page.locator('#console-search').fill('')
  await page.locator('#console-search').press('Enter') // the search's marks cleared
  await page.locator('#lesson-title').scrollIntoViewIfNeeded()
  await page.screenshot({ path: README_SCREENSHOT })
})

test('the progress is there after a reload, and the page in Korean shows the Korean lesson', async ({
  page,
}) => {
  await page.goto(process.env['STACKLAB_URL']!)
  await setLang(page, 'en')
  await openLessons(page)
  await expect(page.locator('#lesson-ui-basics-progress')).toHaveText('2 of 3 tasks passed')
  await page.locator('#lesson-ui-basics-open').click()
  await expect(page.locator('#lesson-progress')).toHaveText('2 of 3 tasks passed')
  await expect(page.locator('#task-write-note-verdict')).toHaveAttribute('data-verdict', 'passed')
  await expect(page.locator('#task-list-fruit-verdict')).toContainText('done by Stacklab')
  // The hints shown stay shown; the next one is the third.
  await expect(page.locator('#task-write-note-hint-2')).toBeVisible()
  await expect(page.locator('#task-write-note-hint')).toHaveText('Show a hint (3 of 3)')

  await setLang(page, 'ko')
  await expect(page.locator('#nav-lessons')).toHaveText('실습')
  await expect(page.locator('#lesson-title')).toHaveText('메모와 목록')
  await expect(page.locator('#lesson-goal')).toHaveText(
    '컨트롤러에 메모와 Stacklab이 읽을 수 있는 목록을 남깁니다.',
  )
  await expect(page.locator('#task-write-note-title')).toHaveText('1. 메모 쓰기')
  await expect(page.locator('#task-write-note-verdict')).toHaveText('통과')
  await expect(page.locator('#task-write-note-hint-1')).toContainText('폴더는 LESSON_DIR 변수에 있습니다.')
  await expect(page.locator('#task-write-note-hint')).toHaveText('힌트 보기 (3개 중 3번째)')
  await expect(page.locator('#lesson-progress')).toHaveText('과제 3개 중 2개 통과')
  // The last hint: the button goes, focus lands on the hint.
  await page.locator('#task-write-note-hint').click()
  await expect(page.locator('#task-write-note-hint-3')).toBeFocused()
  await expect(page.locator('#task-write-note-hints-done')).toHaveText('힌트를 모두 보았습니다.')
  await page.screenshot({ path: 'test-results/screenshots/lessons-ko.png' })
  await setLang(page, 'en')
})

test('keyboard: the lesson is reached with Tab, F6 moves into the console and back', async ({ page }) => {
  await page.goto(process.env['STACKLAB_URL']!)
  await setLang(page, 'en')
  await openLessons(page)
  await page.locator('#lesson-ui-basics-open').focus()
  await page.keyboard.press('Enter')
  await expect(page.locator('#lesson-title')).toBeVisible()
  // The page as a learner meets it: progress read and the console beside it open (it never takes the keyboard).
  await expect(page.locator('#lesson-progress')).toHaveText('2 of 3 tasks passed')
  await expect(page.locator('#lesson-term')).toHaveAttribute('data-console-id', /[0-9a-f-]{36}/)
  await page.locator('#lesson-check-all').focus()
  // Tab reaches the first task's Check in order.
  let reached = false
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab')
    reached = await page.locator('#task-write-note-check').evaluate((el) => el === document.activeElement)
  }
  expect(reached).toBe(true)
  await page.keyboard.press('F6')
  await expect(page.locator('#lesson-term .xterm-helper-textarea')).toBeFocused()
  await page.keyboard.press('F6')
  await expect(page.locator('#lesson-title')).toBeFocused()
})

test('a running "do it for me" shows its step and is cancelled from the lesson', async ({ page }) => {
  await page.goto(process.env['STACKLAB_URL']!)
  await setLang(page, 'en')
  await openLessons(page)
  await page.locator('#lesson-ui-slow-open').click()
  await page.locator('#task-wait-solve').click()
  const job = page.locator('#task-wait-job')
  await expect(job).toHaveAttribute('data-state', 'running')
  await expect(job).toContainText('Doing the task')
  await expect(job).toContainText('Run the solution controller: sleep 120')
  // While it runs, no other lesson job can start on the lab.
  await expect(page.locator('#lesson-start')).toBeDisabled()
  await job.locator('#task-wait-job-cancel').click()
  await expect(job).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 })
  await expect(page.locator('#task-wait-verdict')).not.toHaveAttribute('data-verdict', 'passed')
  await expect(page.locator('#lesson-start')).toBeEnabled()
})

test('Start that fails says why; Reset asks first, says what is lost, and says why it did not run', async ({
  page,
}) => {
  // The lab's nodes are not libvirt domains of the test driver: the checkpoint a start takes cannot be made.
  await page.goto(process.env['STACKLAB_URL']!)
  await setLang(page, 'en')
  await openLessons(page)
  await page.locator('#lesson-ui-basics-open').click()
  await page.locator('#lesson-start').click()
  const job = page.locator('#lesson-job')
  await expect(job).toHaveAttribute('data-state', 'failed')
  await expect(job.locator('#lesson-job-error')).toContainText('It did not finish')
  await expect(job).toContainText('Starting the lesson')
  await expect(page.locator('#lesson-started')).toContainText('Not started')

  // A lesson started earlier (its progress names the checkpoint): Reset is offered, and asks first.
  const file = join(lab.store.dir(LAB), 'lessons.json')
  const progress = JSON.parse(readFileSync(file, 'utf8')) as {
    lessons: Record<string, { startedAt: string | null; checkpoint: string | null }>
  }
  Object.assign(progress.lessons['ui-basics']!, {
    startedAt: new Date().toISOString(),
    checkpoint: 'lesson-ui-basics',
  })
  writeFileSync(file, JSON.stringify(progress))
  await page.reload()
  await openLessons(page)
  await page.locator('#lesson-ui-basics-open').click()
  await expect(page.locator('#lesson-started')).toContainText('Reset lesson brings the lab back')
  await page.locator('#lesson-reset').click()
  const dialog = page.locator('#confirm-lesson-reset')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('Reset the lesson "A note and a list" on leslab?')
  await expect(dialog).toContainText('whatever was made or changed on the lab since then is lost')
  // Modal: the keyboard is in the question, and Escape keeps the lab as it is.
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true)
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(page.locator('#lesson-progress')).toHaveText('2 of 3 tasks passed')
  await page.locator('#lesson-reset').click()
  await page.locator('#confirm-lesson-reset-yes').click()
  // The checkpoint is not there (no such domain): refused before anything changed, in words.
  await expect(page.locator('#lesson-reset-error')).toContainText('lesson-ui-basics')
  await expect(page.locator('#lesson-progress')).toHaveText('2 of 3 tasks passed')
})

test('Reset on a lab with its VM: back at the checkpoint, and the console opened again', async ({ page }) => {
  // The lab's node as a test-driver domain of its name, so the start's checkpoint is real and the reset
  // restores it. The SSH connection opened before belongs to a past the VM no longer has.
  const vm = `${LAB}-controller`
  const file = join(work, `${vm}.xml`)
  writeFileSync(
    file,
    `<domain type='test'><name>${vm}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`,
  )
  virsh('define', file)
  virsh('start', vm)
  try {
    await page.goto(process.env['STACKLAB_URL']!)
    await setLang(page, 'en')
    await openLessons(page)
    await page.locator('#lesson-ui-basics-open').click()
    const term = page.locator('#lesson-term')
    await expect(term).toHaveAttribute('data-console-id', /[0-9a-f-]{36}/)
    await page.locator('#lesson-start').click()
    const job = page.locator('#lesson-job')
    await expect(job).toHaveAttribute('data-state', 'succeeded')
    expect(virsh('snapshot-list', vm, '--name')).toContain('lesson-ui-basics')
    // A shell variable set before the reset lives only in that session.
    await term.click()
    await page.keyboard.type('MARK=old; echo mark_$MARK\n')
    await consoleShows(page, 'mark_old')
    await page.locator('#lesson-reset').click()
    await page.locator('#confirm-lesson-reset-yes').click()
    await expect(job).toContainText('Resetting')
    await expect(job).toHaveAttribute('data-state', 'succeeded')
    // The engine ended the old connection (the VM went back to the checkpoint) and the page opened a new
    // one in the same terminal: the variable is gone.
    // (Typed again on each try, into the terminal: keys typed while it reconnects reach no shell.)
    await consoleShows(page, 'mark_new_42', {
      each: async () => {
        await term.click()
        await page.keyboard.type('echo mark_${MARK:-new}_$((40+2))\n')
      },
    })
  } finally {
    virsh('destroy', vm)
    virsh('undefine', vm, '--snapshots-metadata')
  }
})

test('no lessons found, and a lessons folder that cannot be read, say so', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'stacklab-nolessons-'))
  const before = process.env['STACKLAB_LESSONS_DIR']
  try {
    for (const [what, lessons] of [
      ['empty', join(dir, 'empty-folder')],
      ['missing', join(dir, 'no-such-folder')],
    ] as const) {
      if (what === 'empty') mkdirSync(lessons)
      process.env['STACKLAB_LESSONS_DIR'] = lessons
      const served = await serveWithSettings(join(dir, what), {
        connectionUri: process.env['STACKLAB_TEST_URI'],
        imagesDir: '',
      })
      try {
        await page.goto(served.url)
        await page.locator('#nav-lessons').click()
        if (what === 'empty') {
          await expect(page.locator('#lessons-none')).toContainText('No lessons found')
          await expect(page.locator('#lessons-error')).toHaveCount(0)
        } else {
          await expect(page.locator('#lessons-error')).toContainText('Could not load the lessons')
          await expect(page.locator('#lessons-error')).toContainText('cannot be read')
          await expect(page.locator('#lessons-none')).toHaveCount(0)
        }
        // No lab either: the way to make one.
        await expect(page.locator('#lessons-no-labs')).toBeVisible()
      } finally {
        await served.stop()
      }
    }
  } finally {
    process.env['STACKLAB_LESSONS_DIR'] = before
    rmSync(dir, { recursive: true, force: true })
  }
})
