// Benchmark: the renderer in a real browser (Debian's Chromium through Playwright) against `stacklab serve`
// on a real libvirtd (test driver), started as the browser tests start them (test/harness/serve.ts).
//   npm run build && npm run bench:renderer      (needs root: libvirtd runs in its own namespaces)
// Prints:
//   - first paint, first contentful paint and time to an interactive topology (all boxes laid out and
//     measured) on opening the app, median of RUNS cold opens, against `virsh list --all` + `virsh net-list
//     --all` (the manual way to see the same state);
//   - 10 networks and 50 VMs defined with virsh while the page is open: time from the last virsh command to
//     every box on screen, layouts done on the way, and long tasks (PerformanceObserver 'longtask');
//   - a cold open of that big host: data arrival → all boxes laid out and in the DOM, long tasks, with ELK
//     in its Web Worker against ELK in the page (`?layout=page`);
//   - one VM's state change (virsh destroy/start) → its box's state in the DOM, against polling domstate.
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { promisify } from 'node:util'
import { chromium, type Browser, type Page } from '@playwright/test'
import { startStacklabServe } from '../test/harness/serve'
import { defineDomain, defineNetwork, removeDomain, removeNetwork } from '../test/e2e/libvirt'

const exec = promisify(execFile)
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5)
const NETWORKS = 10
const DOMAINS = 50

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}
const ms = (n: number | undefined) => (n === undefined ? '   n/a' : n.toFixed(0).padStart(6))

/** Runs in the page before its own scripts: record every long task. */
const RECORD_LONG_TASKS = `
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
`

interface LongTask {
  start: number
  duration: number
}
interface ColdOpen {
  fp: number | undefined
  fcp: number | undefined
  loaded: number
  rendered: number
  layoutMs: number
  longtasks: LongTask[]
}

const graphDone = (nodes: number) => `#topology-graph[data-layout="done"][data-nodes="${nodes}"]`

async function coldOpen(browser: Browser, url: string, nodes: number): Promise<ColdOpen> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  await page.addInitScript({ content: RECORD_LONG_TASKS })
  await page.goto(url)
  await page.waitForSelector(graphDone(nodes), { timeout: 60_000 })
  const result = await page.evaluate<ColdOpen>(`(() => {
    const paint = performance.getEntriesByType('paint');
    const rendered = performance.getEntriesByName('stacklab:topology-rendered').find((m) => m.detail.nodes === ${nodes});
    return {
      fp: paint.find((e) => e.name === 'first-paint')?.startTime,
      fcp: paint.find((e) => e.name === 'first-contentful-paint')?.startTime,
      loaded: performance.getEntriesByName('stacklab:libvirt-loaded').at(-1).startTime,
      rendered: rendered.startTime,
      layoutMs: rendered.detail.layoutMs,
      longtasks: window.__longtasks,
    };
  })()`)
  await context.close()
  return result
}

async function manualLook(uri: string): Promise<number> {
  const t0 = performance.now()
  await exec('virsh', ['-c', uri, 'list', '--all'])
  await exec('virsh', ['-c', uri, 'net-list', '--all'])
  return performance.now() - t0
}

function summariseCold(label: string, runs: ColdOpen[]): void {
  const lt = runs.map((r) => r.longtasks.filter((t) => t.start >= r.loaded && t.start <= r.rendered))
  console.log(
    `${label.padEnd(30)} | ${ms(median(runs.map((r) => r.fp ?? NaN)))} | ${ms(median(runs.map((r) => r.fcp ?? NaN)))} | ${ms(median(runs.map((r) => r.rendered)))} | ${ms(median(runs.map((r) => r.rendered - r.loaded)))} | ${ms(median(runs.map((r) => r.layoutMs)))} | ${String(median(lt.map((l) => l.length))).padStart(5)} | ${ms(median(lt.map((l) => l.reduce((a, t) => a + t.duration, 0))))} | ${ms(median(lt.map((l) => Math.max(0, ...l.map((t) => t.duration)))))}`,
  )
}

const COLD_HEAD =
  'open                           |  FP ms | FCP ms | TTI ms | data→all boxes ms | ELK ms | long tasks (data→boxes): n | total ms | max ms'

async function stateLatency(page: Page, uri: string, vm: string, iterations: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < iterations; i++) {
    const want = i % 2 === 0 ? 'shutoff' : 'running'
    const t0 = performance.now()
    await exec('virsh', ['-c', uri, want === 'shutoff' ? 'destroy' : 'start', vm])
    await page.waitForSelector(`#node-${vm}-state[data-state="${want}"]`, { timeout: 10_000 })
    out.push(performance.now() - t0)
  }
  return out
}

async function pollLatency(uri: string, vm: string, iterations: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < iterations; i++) {
    const want = i % 2 === 0 ? 'shut off' : 'running'
    const phase = Math.random() * 1000
    await new Promise((r) => setTimeout(r, phase))
    const t0 = performance.now()
    await exec('virsh', ['-c', uri, want === 'shut off' ? 'destroy' : 'start', vm])
    let next = t0 + (1000 - phase)
    for (;;) {
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())))
      const { stdout } = await exec('virsh', ['-c', uri, 'domstate', vm])
      if (stdout.trim() === want) break
      next += 1000
    }
    out.push(performance.now() - t0)
  }
  return out
}

async function main() {
  const serve = await startStacklabServe('bench-renderer')
  const uri = serve.testUri
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  const nets = Array.from({ length: NETWORKS }, (_, i) => `bench-net-${i}`)
  const vms = Array.from({ length: DOMAINS }, (_, i) => `bench-vm-${String(i).padStart(2, '0')}`)
  try {
    const small = 1 + 1 + 1 // host, the test driver's `default` network and `test` domain
    // ... plus the frame that groups VMs outside labs once they are many (topology/graph.ts)
    const big = small + NETWORKS + DOMAINS + 1
    console.log(`Renderer benchmark: Chromium ${browser.version()}, ${RUNS} cold opens each, medians\n`)
    console.log(COLD_HEAD)
    const smallRuns: ColdOpen[] = []
    for (let i = 0; i < RUNS; i++) smallRuns.push(await coldOpen(browser, serve.url, small))
    summariseCold('test driver (1 VM, 1 network)', smallRuns)
    const manualSmall: number[] = []
    for (let i = 0; i < RUNS; i++) manualSmall.push(await manualLook(uri))
    console.log(
      `baseline: virsh list --all + virsh net-list --all: ${median(manualSmall).toFixed(0)} ms (text tables, no NICs, addresses or links)\n`,
    )

    // Live: the page is open while 10 networks and 50 VMs are defined beside it.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.addInitScript({ content: RECORD_LONG_TASKS })
    await page.goto(serve.url)
    await page.waitForSelector(graphDone(small))
    const pageStart = await page.evaluate<number>('performance.now()')
    const t0 = performance.now()
    nets.forEach((name, i) =>
      defineNetwork(uri, { name, prefix: `10.60.${i}`, mode: 'isolated', bridge: `vbench${i}` }),
    )
    vms.forEach((name, i) =>
      defineDomain(
        uri,
        {
          name,
          nics: [
            { network: 'default', mac: `52:54:00:be:00:${i.toString(16).padStart(2, '0')}` },
            { network: nets[i % NETWORKS]!, mac: `52:54:00:be:01:${i.toString(16).padStart(2, '0')}` },
          ],
        },
        i % 2 === 0,
      ),
    )
    const virshMs = performance.now() - t0
    const pageLast = await page.evaluate<number>('performance.now()')
    await page.waitForSelector(graphDone(big), { timeout: 60_000 }).catch(async (error: unknown) => {
      console.error(
        await page.evaluate<string>(
          `JSON.stringify({ graph: Object.assign({}, document.querySelector('#topology-graph')?.dataset), boxes: document.querySelectorAll('[id^=node-bench]').length, nets: document.querySelectorAll('[id^=net-bench]').length, err: document.querySelector('#topology-error')?.textContent })`,
        ),
      )
      throw error
    })
    const live = await page.evaluate<{
      layouts: number
      done: number
      lastEvent: number
      longtasks: LongTask[]
    }>(`(() => {
      const marks = performance.getEntriesByName('stacklab:topology-rendered').filter((m) => m.startTime >= ${pageStart});
      const done = marks.find((m) => m.detail.nodes === ${big});
      const lastEvent = Number(document.querySelector('#topology-page').dataset.lastEvent);
      return { layouts: marks.length, done: done.startTime, lastEvent, longtasks: window.__longtasks.filter((t) => t.start >= ${pageStart}) };
    })()`)
    console.log(
      `Live: ${NETWORKS} networks + ${DOMAINS} VMs defined with virsh (${DOMAINS / 2} started) beside the open page`,
    )
    console.log(`  virsh commands took                      ${virshMs.toFixed(0)} ms`)
    console.log(
      `  last virsh command → engine's last event in the page ${(live.lastEvent - pageLast).toFixed(0)} ms`,
    )
    console.log(
      `  engine's last event → all ${big} boxes (with the group frame) laid out ${(live.done - live.lastEvent).toFixed(0)} ms  (layouts on the way: ${live.layouts})`,
    )
    console.log(
      `  long tasks while it all arrived: ${live.longtasks.length}, total ${live.longtasks.reduce((a, t) => a + t.duration, 0).toFixed(0)} ms, max ${Math.max(0, ...live.longtasks.map((t) => t.duration)).toFixed(0)} ms\n`,
    )

    mkdirSync('test-results/screenshots', { recursive: true })
    await page.screenshot({ path: 'test-results/screenshots/topology-bench-63.png' })
    const ITER = Number(process.env['BENCH_ITERATIONS'] ?? 10)
    const uiLatency = await stateLatency(page, uri, 'bench-vm-00', ITER)
    await context.close()
    const polled = await pollLatency(uri, 'bench-vm-00', ITER)
    console.log(`State change (virsh destroy/start) → visible, ${ITER} changes, with ${big} boxes on screen`)
    console.log(
      `  topology box state: p50 ${pct(uiLatency, 50).toFixed(0)} ms, p95 ${pct(uiLatency, 95).toFixed(0)} ms`,
    )
    console.log(
      `  baseline, polling virsh domstate every 1 s: p50 ${pct(polled, 50).toFixed(0)} ms, p95 ${pct(polled, 95).toFixed(0)} ms\n`,
    )

    console.log(COLD_HEAD)
    const worker: ColdOpen[] = []
    const inPage: ColdOpen[] = []
    for (let i = 0; i < RUNS; i++) {
      worker.push(await coldOpen(browser, serve.url, big))
      inPage.push(await coldOpen(browser, `${serve.url}&layout=page`, big))
    }
    summariseCold(`${DOMAINS + 1} VMs, ${NETWORKS + 1} nets, ELK in worker`, worker)
    summariseCold(`${DOMAINS + 1} VMs, ${NETWORKS + 1} nets, ELK in page`, inPage)
    const manualBig: number[] = []
    for (let i = 0; i < RUNS; i++) manualBig.push(await manualLook(uri))
    console.log(`baseline: virsh list --all + virsh net-list --all: ${median(manualBig).toFixed(0)} ms`)
  } finally {
    for (const vm of vms) removeDomain(uri, vm)
    for (const net of nets) removeNetwork(uri, net)
    await browser.close()
    await serve.stop()
  }
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
