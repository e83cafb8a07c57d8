// REAL lessons on REAL OpenStack (Debian 12's own packages, Zed) on real QEMU guests: no test double. A lab is
// built from the debian-12-openstack template and installed with the distribution-packages method, then every
// lesson Stacklab ships runs through the engine's API as a learner would use it: the lesson starts (its
// checkpoint), its check is not yet passed on the lab as it starts, "do it for me" passes every task (and runs
// its negative checks), a second "do it for me" changes nothing; a planted mistake (a flavor too small) is
// reported in the lesson's own words. Then the learner's way in Debian's Chromium on the served app: the
// topology shows the lessons' instance on the compute node; the networks lesson is reset from the page (its
// console opens again), its commands typed in the SSH console beside it, Check passes; the router task the
// same in Korean. Then reset through the API brings the lab back to the lesson's checkpoint. Last, compute1 is
// added as a VM only and the add-compute lesson joins it by hand.
// Run with `npm run test:lessons` (about as long as the install, plus the lessons); figures are printed at the
// end. First run 2026-12-01: lessons 1-4 and the reset passed; the instance lesson did not (see README).
import { chromium, type Locator, type Page } from '@playwright/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from 'ssh2'
import type { Engine } from '../../src-main/engine/engine'
import { labFiles, type LabFiles } from '../../src-main/engine/lab/files'
import { connectNode } from '../../src-main/engine/lab/node-ssh'
import { sshExec } from '../../src-main/engine/ssh/client'
import type { LessonSummary } from '../../src-shared/lesson'
import { CHROMIUM_LAUNCH } from '../chromium'
import { jobFinished } from '../helpers'
import { labEngine, labEnvironment } from '../lab/lab-helpers'
import { openstackLab, serveLabApp } from './os-lab'

const env = labEnvironment()
const LAB = 'lessons'
// The chain order of every shipped lesson but add-compute (it needs a node of its own, added by the last test).
const CHAIN = ['lab-tour', 'images', 'flavors-keys-groups', 'networks', 'instance', 'volumes', 'floating-ip']
// STACKLAB_TEST_LESSONS=networks,instance,... runs only those lessons (a slice of a run that is longer than a
// session): a listed lesson's start still finishes the earlier ones with their solutions, and the tests below
// that need a lesson not listed are skipped.
const ONLY = process.env['STACKLAB_TEST_LESSONS']?.split(',').filter(Boolean)
const runs = (...ids: string[]): boolean => !ONLY || ids.every((id) => ONLY.includes(id))
/** Whether the lessons run leave the lab with what `id` makes (it or a lesson after it in the chain runs). */
const made = (id: string): boolean => !ONLY || ONLY.some((o) => CHAIN.indexOf(o) >= CHAIN.indexOf(id))
let engine: Engine
let files: LabFiles
const figures: string[] = []

async function onController(command: string): Promise<string> {
  const state = await engine.api.call('lab.get', { name: LAB })
  const client: Client = await connectNode(files, state, 'controller')
  try {
    const r = await sshExec(client, `. /root/admin-openrc; ${command}`)
    if (r.code !== 0) throw new Error(`${command}: exit ${r.code}: ${r.stderr || r.stdout}`)
    return r.stdout
  } finally {
    client.end()
  }
}

/** Presses a task's Check until its verdict is `want` (a check made before the console's command landed). */
async function checkUntil(task: Locator, id: string, want: string, seconds: number): Promise<void> {
  const verdict = task.locator(`#task-${id}-verdict`)
  const until = Date.now() + seconds * 1000
  for (;;) {
    await task.locator(`#task-${id}-check`).click()
    await task.locator(`#task-${id}-verdict[data-verdict]:not([data-verdict="checking"])`).waitFor()
    const seen = await verdict.getAttribute('data-verdict')
    if (seen === want) return
    if (Date.now() > until)
      throw new Error(`${id}: ${seen}: ${await task.locator(`#task-${id}-findings`).innerText()}`)
    await new Promise((r) => setTimeout(r, 3000))
  }
}

/** Types a line into the lesson's SSH console, as a learner would. */
async function typeLine(page: Page, line: string): Promise<void> {
  await page.locator('#lesson-term').click()
  await page.keyboard.type(`${line}\n`)
}

/** A job started by a call, to its end; its error (with the failing step's detail) fails the test. */
async function jobDone(started: Promise<{ id: string }>): Promise<void> {
  const job = await jobFinished(engine, (await started).id)
  const failed = job.steps.find((s) => s.state === 'failed')
  expect(
    job.error,
    `${job.title}: ${failed?.title ?? ''}: ${job.error?.message ?? ''} ${failed?.detail ?? ''}`,
  ).toBeNull()
  expect(job.state).toBe('succeeded')
}

/** The shipped lessons in the order they follow one another (`after`). */
function chainOrder(lessons: LessonSummary[]): LessonSummary[] {
  const ordered: LessonSummary[] = []
  let next = lessons.filter((l) => !l.after)
  while (next.length) {
    ordered.push(...next)
    next = lessons.filter((l) => l.after && next.some((n) => n.id === l.after))
  }
  return ordered
}

beforeAll(async () => {
  const made = await labEngine(env)
  engine = made.engine
  files = labFiles(made.paths.data, LAB)
  const t0 = Date.now()
  await jobDone(engine.api.call('lab.create', { definition: openstackLab(LAB) }))
  await jobDone(engine.api.call('lab.install', { name: LAB }))
  figures.push(`lab created and OpenStack installed: ${Math.round((Date.now() - t0) / 1000)} s`)
}, 150 * 60_000)

afterAll(async () => {
  console.log(`\n::: lesson figures\n${figures.map((f) => `  ${f}`).join('\n')}`)
  const job = await engine.api.call('lab.delete', { name: LAB }).catch(() => null)
  if (job) await jobFinished(engine, job.id)
  await engine.close()
}, 10 * 60_000)

describe('every lesson on the real cloud', () => {
  it(
    'runs each lesson: not yet as it starts, "do it for me" passes every task, twice changes nothing',
    async () => {
      // add-compute needs a node of its own, added for it last (the test at the end).
      const chain = chainOrder(await engine.api.call('lessons.list', {})).filter(
        (l) => l.id !== 'add-compute',
      )
      expect(chain.map((l) => l.id)).toEqual(CHAIN)
      const unknown = (ONLY ?? []).filter((id) => id !== 'add-compute' && !CHAIN.includes(id))
      expect(unknown, 'STACKLAB_TEST_LESSONS names lessons there are not').toEqual([])
      const lessons = chain.filter((l) => runs(l.id))
      if (ONLY) figures.push(`only these lessons (STACKLAB_TEST_LESSONS): ${ONLY.join(', ')}`)
      // Every lesson is tried even after one fails (a run is over an hour): the failures are listed at the end.
      const failures: string[] = []
      for (const lesson of lessons) {
        try {
          const t0 = Date.now()
          await jobDone(engine.api.call('lesson.start', { lab: LAB, lesson: lesson.id }))
          const startSeconds = Math.round((Date.now() - t0) / 1000)
          const fresh = await engine.api.call('lesson.check', { lab: LAB, lesson: lesson.id })
          // Nothing could not be checked: the lab answers and its credentials are there.
          expect(fresh.results.filter((r) => r.verdict === 'could-not-check')).toEqual([])
          // The lesson is not done before the learner does it (its first task at least).
          expect(
            fresh.results.some((r) => r.verdict === 'not-yet'),
            `${lesson.id} passes as it starts`,
          ).toBe(true)
          const t1 = Date.now()
          for (const task of lesson.tasks) {
            await jobDone(engine.api.call('lesson.solve', { lab: LAB, lesson: lesson.id, task: task.id }))
            const r = await engine.api.call('lesson.check', { lab: LAB, lesson: lesson.id, task: task.id })
            expect(r.results[0]!.verdict, `${lesson.id}/${task.id}: ${JSON.stringify(r.results[0])}`).toBe(
              'passed',
            )
          }
          const solveSeconds = Math.round((Date.now() - t1) / 1000)
          // "Do it for me" again changes nothing and still passes.
          const first = lesson.tasks[0]!.id
          await jobDone(engine.api.call('lesson.solve', { lab: LAB, lesson: lesson.id, task: first }))
          const all = await engine.api.call('lesson.check', { lab: LAB, lesson: lesson.id })
          expect(all.results.map((r) => [r.task, r.verdict])).toEqual(
            lesson.tasks.map((t) => [t.id, 'passed']),
          )
          const progress = await engine.api.call('lesson.progress', { lab: LAB, lesson: lesson.id })
          expect(progress.checkpoint).toBe(`lesson-${lesson.id}`)
          figures.push(
            `${lesson.id}: start ${startSeconds} s, every task done for the learner ${solveSeconds} s`,
          )
        } catch (error) {
          failures.push(`${lesson.id}: ${(error as Error).message}`)
          figures.push(`${lesson.id}: FAILED`)
        }
      }
      expect(failures).toEqual([])
    },
    150 * 60_000,
  )

  it.runIf(made('flavors-keys-groups'))(
    "reports a planted mistake in the lesson's words: a flavor too small for the tiny instance",
    async () => {
      await onController(
        'openstack flavor delete m1.nano && openstack flavor create --vcpus 1 --ram 64 --disk 1 m1.nano',
      )
      const r = await engine.api.call('lesson.check', {
        lab: LAB,
        lesson: 'flavors-keys-groups',
        task: 'flavor',
      })
      expect(r.results[0]!.verdict).toBe('not-yet')
      const missing = r.results[0]!.findings.filter((f) => !f.ok)
      expect(missing.map((f) => f.says.en)).toEqual([expect.stringMatching(/less than 128 MiB/)])
      expect(missing[0]!.says.ko).toMatch(/128 MiB/)
      expect(missing[0]!.seen).toMatch(/64/)
      await jobDone(
        engine.api.call('lesson.solve', { lab: LAB, lesson: 'flavors-keys-groups', task: 'flavor' }),
      )
      expect(await onController('openstack flavor show m1.nano -f value -c ram')).toMatch(/^128/)
    },
    30 * 60_000,
  )

  it.runIf(runs('networks', 'instance'))(
    'in the browser: the networks lesson beside its SSH console, typed there and checked, then in Korean',
    async () => {
      // `stacklab serve` on the same lab, as a learner opens the app after the lab is installed.
      const served = await serveLabApp(env)
      const browser = await chromium.launch(CHROMIUM_LAUNCH)
      const t0 = Date.now()
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
        page.setDefaultTimeout(5 * 60_000)
        await page.goto(served.url)
        await page.locator('#lang-select').selectOption('en')
        // The lab's status, then the topology: the instance the lessons made, on the compute node.
        await page.locator('#nav-install').click()
        await page.locator('#install-lab').selectOption(LAB)
        await page.locator('#status-refresh').click()
        await page.locator('#status-api').waitFor()
        await page.locator('#nav-topology').click()
        const pill = page.locator(`#node-${LAB}-compute-instances`)
        await pill.waitFor()
        expect(await pill.getAttribute('aria-label')).toContain('selfservice-instance (ACTIVE)')
        await page.screenshot({ path: 'test-results/lessons-topology.png' })

        // The networks lesson, reset from the page: its job, and the console opened again after it.
        await page.locator('#nav-lessons').click()
        await page.locator('#lessons-lab').selectOption(LAB)
        expect(await page.locator('#lesson-networks').getAttribute('data-fits')).toBe('true')
        await page.locator('#lesson-networks-open').click()
        expect(await page.locator('#lesson-title').innerText()).toMatch(/network/i)
        await page.locator('#lesson-reset').click()
        await page.locator('#confirm-lesson-reset-yes').click()
        await page.locator('#lesson-job[data-state="succeeded"]').waitFor({ timeout: 15 * 60_000 })
        expect(await page.locator('#lesson-job').innerText()).toMatch(/Resetting/)
        // The controller's shell answers (a new session after the reset): a sum typed until its result shows.
        await page.locator('#lesson-term[data-console-id]').waitFor()
        for (let i = 0; ; i++) {
          await typeLine(page, `echo answer_$((${i}+1000))`)
          await page.locator('#console-search').fill(`answer_${i + 1000}`)
          await page.locator('#console-search').press('Enter')
          const count = await page.locator('#console-search-count').getAttribute('data-count')
          if (count && count !== '0') break
          if (i > 120) throw new Error('the console beside the lesson never answered')
          await new Promise((r) => setTimeout(r, 2000))
        }
        const selfservice = page.locator('#task-selfservice')
        await checkUntil(selfservice, 'selfservice', 'not-yet', 0)
        expect(await selfservice.locator('#task-selfservice-findings').innerText()).toMatch(/selfservice/)
        await typeLine(page, '. /root/admin-openrc')
        await typeLine(page, 'openstack network create selfservice')
        await typeLine(
          page,
          'openstack subnet create --network selfservice --dns-nameserver 8.8.4.4 --gateway 172.16.1.1 --subnet-range 172.16.1.0/24 selfservice',
        )
        await checkUntil(selfservice, 'selfservice', 'passed', 180)
        await page.screenshot({ path: 'test-results/lessons-real-lab.png' })

        // The same page in Korean: the router task is not yet, said in the lesson's Korean words.
        await page.locator('#lang-select').selectOption('ko')
        await page.locator('html[lang="ko"]').waitFor()
        const router = page.locator('#task-router')
        await checkUntil(router, 'router', 'not-yet', 0)
        expect(await router.locator('#task-router-verdict').innerText()).toBe('아직')
        expect(await router.locator('#task-router-findings').innerText()).toContain(
          'router 라우터에 selfservice 서브넷의 172.16.1.1 인터페이스가 없습니다.',
        )
        await typeLine(page, 'openstack router create router')
        await typeLine(page, 'openstack router add subnet router selfservice')
        await checkUntil(router, 'router', 'passed', 180)
        expect(await page.locator('#lesson-progress').innerText()).toMatch(/2/)
        await page.screenshot({ path: 'test-results/lessons-real-lab-ko.png' })
        if (process.env['STACKLAB_UPDATE_DOCS'] === '1') {
          await page.locator('#lang-select').selectOption('en')
          await page.locator('html[lang="en"]').waitFor()
          await page.screenshot({ path: 'docs/screenshot-lessons.png' })
        }
        figures.push(
          `the networks lesson typed in the browser and checked: ${Math.round((Date.now() - t0) / 1000)} s`,
        )
      } finally {
        await browser.close()
        await served.stop()
      }
    },
    20 * 60_000,
  )

  it.runIf(runs('networks'))(
    "reset brings the lab back to the lesson's checkpoint: the network made in it is gone",
    async () => {
      const t0 = Date.now()
      await jobDone(engine.api.call('lesson.reset', { lab: LAB, lesson: 'networks' }))
      figures.push(`reset of the networks lesson: ${Math.round((Date.now() - t0) / 1000)} s`)
      const r = await engine.api.call('lesson.check', { lab: LAB, lesson: 'networks' })
      expect(r.results[0]!.verdict).toBe('not-yet')
      const nets = JSON.parse(await onController('openstack network list -f json')) as { Name: string }[]
      expect(nets.map((n) => n.Name)).not.toContain('selfservice')
      const progress = await engine.api.call('lesson.progress', { lab: LAB, lesson: 'networks' })
      expect(Object.values(progress.tasks).every((t) => t.verdict !== 'passed')).toBe(true)
    },
    30 * 60_000,
  )

  it.runIf(runs('add-compute'))(
    'add-compute: refused until compute1 is added unjoined; then joined by hand (scp, ssh from the controller)',
    async () => {
      // Without compute1 the lesson says what to add, before anything changes.
      await expect(engine.api.call('lesson.start', { lab: LAB, lesson: 'add-compute' })).rejects.toThrow(
        /no compute node named compute1; .*--no-join/,
      )
      const t0 = Date.now()
      await jobDone(
        engine.api.call('lab.addNode', {
          name: LAB,
          join: false,
          node: {
            name: 'compute1',
            role: 'compute',
            vcpus: 1,
            memoryMiB: 2048,
            diskGiB: 10,
            nics: [
              { network: 'default', ip: '192.168.122.111' },
              { network: `${LAB}-int`, ip: '192.168.90.111' },
            ],
          },
        }),
      )
      figures.push(`compute1 added (VM only): ${Math.round((Date.now() - t0) / 1000)} s`)
      await jobDone(engine.api.call('lesson.start', { lab: LAB, lesson: 'add-compute' }))
      const fresh = await engine.api.call('lesson.check', { lab: LAB, lesson: 'add-compute' })
      expect(fresh.results.map((r) => [r.task, r.verdict])).toEqual([
        ['nova-conf', 'not-yet'],
        ['ovn', 'not-yet'],
        ['nova-compute', 'not-yet'],
      ])
      const t1 = Date.now()
      // Each task's solution, then its check; nova-conf's negative check (my_ip left as compute's) runs too.
      for (const task of ['nova-conf', 'ovn', 'nova-compute']) {
        await jobDone(engine.api.call('lesson.solve', { lab: LAB, lesson: 'add-compute', task }))
        const r = await engine.api.call('lesson.check', { lab: LAB, lesson: 'add-compute', task })
        expect(r.results[0]!.verdict, `${task}: ${JSON.stringify(r.results[0])}`).toBe('passed')
      }
      figures.push(`add-compute: every task done for the learner ${Math.round((Date.now() - t1) / 1000)} s`)
      // The cloud itself: nova-compute on compute1 is an up service.
      const services = JSON.parse(
        await onController('openstack compute service list --service nova-compute -f json'),
      ) as { Host: string; State: string }[]
      expect(services.map((r) => [r.Host, r.State])).toContainEqual(['compute1.example.com', 'up'])
    },
    60 * 60_000,
  )
})
