// The lessons Stacklab ships (resources/lessons/<id>/lesson.yaml): each one is read as the engine reads it
// (the strict YAML reader, then the Lesson schema), its folder is its id, `after` names a lesson that exists
// and the chain has no cycle, every check and step names a node the default lab has, the Korean is Korean and
// the English is not, no command holds a secret or a host-only tool, and every solution can run twice (what it
// creates is guarded by a look first). The same rules are then turned on planted broken lessons in a temp
// folder: each mistake must be reported.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultLab } from '../../src-shared/lab'
import { Lesson, type Check, type Step, type Text } from '../../src-shared/lesson'
import { YamlRefused, parseUserYaml } from '../../src-shared/user-yaml'
import { evaluateCheck } from '../../src-main/engine/lessons/evaluate'
import { tempDir } from '../helpers'

const LESSONS = join('resources', 'lessons')
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/

/** Tools that exist on the host only: a lesson's commands run on the lab's guests. */
const HOST_ONLY = /\b(virsh|virt-builder|virt-customize|virt-install|virt-resize|guestfish)\b/
/** What a secret on a command line looks like. */
const SECRETS: [RegExp, string][] = [
  [/OS_PASSWORD\s*=/, 'sets OS_PASSWORD'],
  [/--os-password\b/, 'passes --os-password'],
  [/\bpassword\s*[:=]\s*\S/i, 'holds a password'],
  [/IDENTIFIED\s+BY/i, 'holds a database password'],
  [/:\/\/[^/\s:@]+:[^/\s@]+@/, 'holds a URL with credentials'],
  [/\bsshpass\b/, 'uses sshpass'],
  [/\bmysql\b[^|;&]*\s-p\S/, 'passes a MySQL password'],
  // The install's generated passwords are 20 letters and digits (src-main/engine/install/debian).
  [
    /\b(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])[A-Za-z0-9]{20}\b/,
    'holds a generated password',
  ],
]
/** A solution line that makes something: it must look first (`show ... || create ...`) to run twice. */
const MAKES = /\bopenstack\b[^|;&]*\s(create|add)\s|>>/

function texts(value: unknown, at: string, out: { at: string; text: Text }[] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => texts(v, `${at}.${i}`, out))
  else if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    if (keys.join() === 'en,ko') out.push({ at, text: value as Text })
    else for (const [k, v] of Object.entries(value)) texts(v, at ? `${at}.${k}` : k, out)
  }
  return out
}

interface Read {
  dir: string
  lesson: Lesson | null
  problems: string[]
}

function readLesson(root: string, dir: string): Read {
  const problems: string[] = []
  const file = join(root, dir, 'lesson.yaml')
  let data: unknown
  try {
    data = parseUserYaml(readFileSync(file, 'utf8'))
  } catch (error) {
    const why = error instanceof YamlRefused ? error.message : (error as Error).message
    return { dir, lesson: null, problems: [`${dir}: ${why}`] }
  }
  const parsed = Lesson.safeParse(data)
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${dir}: ${issue.path.join('.') || '(lesson)'}: ${issue.message}`)
    return { dir, lesson: null, problems }
  }
  return { dir, lesson: parsed.data, problems }
}

/** Every problem of the lessons under `root`, in words naming the lesson and the place. */
function lessonProblems(root: string): string[] {
  const lab = defaultLab()
  const nodes = new Set(lab.nodes.flatMap((n) => [n.name, n.role]))
  const problems: string[] = []
  const read: Read[] = []
  for (const dir of readdirSync(root).sort()) {
    if (!statSync(join(root, dir)).isDirectory()) {
      problems.push(`${dir}: not a lesson folder`)
      continue
    }
    const extra = readdirSync(join(root, dir)).filter((f) => f !== 'lesson.yaml')
    if (extra.length) problems.push(`${dir}: holds ${extra.join(', ')} besides lesson.yaml`)
    read.push(readLesson(root, dir))
  }
  const byId = new Map<string, Lesson>()
  for (const r of read) {
    problems.push(...r.problems)
    if (!r.lesson) continue
    if (r.lesson.id !== r.dir) problems.push(`${r.dir}: id "${r.lesson.id}" is not its folder's name`)
    byId.set(r.lesson.id, r.lesson)
  }
  for (const [id, lesson] of byId) {
    // Its checks and steps may name the default lab's nodes and roles, and the nodes it asks the lab to have.
    const known = new Set([...nodes, ...lesson.needs.nodes.map((n) => n.name)])
    // The chain of `after`: every link exists, no lesson comes back, and each works where the next one does.
    const seen = [id]
    for (let l = lesson; l.after;) {
      const next = byId.get(l.after)
      if (!next) {
        problems.push(`${l.id}: after names "${l.after}", which is no lesson`)
        break
      }
      if (seen.includes(next.id)) {
        problems.push(`${id}: after makes a cycle (${[...seen, next.id].join(' -> ')})`)
        break
      }
      const lost = l.needs.installers.filter((i) => !next.needs.installers.includes(i))
      if (lost.length)
        problems.push(`${l.id}: works on ${lost.join(', ')} but its after "${next.id}" does not`)
      seen.push(next.id)
      l = next
    }
    for (const { at, text } of texts(lesson, '')) {
      if (!HANGUL.test(text.ko)) problems.push(`${id}: ${at}.ko has no Korean`)
      if (HANGUL.test(text.en)) problems.push(`${id}: ${at}.en has Korean`)
    }
    lesson.tasks.forEach((task, t) => {
      const where = `${id}: tasks.${t} (${task.id})`
      const checks: [string, Check][] = [
        ...task.check.map((c, i): [string, Check] => [`check.${i}`, c]),
        ...task.negative.map((n, i): [string, Check] => [`negative.${i}.check`, n.check]),
      ]
      const steps: [string, Step, boolean][] = [
        ...task.solve.map((s, i): [string, Step, boolean] => [`solve.${i}`, s, true]),
        ...task.negative.flatMap((n, i) => [
          ...n.break.map((s, j): [string, Step, boolean] => [`negative.${i}.break.${j}`, s, false]),
          ...n.mend.map((s, j): [string, Step, boolean] => [`negative.${i}.mend.${j}`, s, true]),
        ]),
      ]
      const commands: [string, string][] = task.commands.map((c, i) => [`commands.${i}`, c])
      for (const [at, c] of checks) {
        if (!known.has(c.node)) problems.push(`${where} ${at}: node "${c.node}" is not in the default lab`)
        commands.push([`${at}.run`, c.run])
      }
      for (const [at, s, mustRepeat] of steps) {
        if (!known.has(s.node)) problems.push(`${where} ${at}: node "${s.node}" is not in the default lab`)
        s.run.forEach((line, i) => {
          commands.push([`${at}.run.${i}`, line])
          if (mustRepeat && MAKES.test(line) && !line.includes('||'))
            problems.push(`${where} ${at}.run.${i}: makes something without looking first (cannot run twice)`)
        })
      }
      for (const [at, line] of commands) {
        // What reaches the node's shell must parse (the install's Cinder check once did not, on real guests).
        const parsed = spawnSync('bash', ['-n'], { input: line, encoding: 'utf8' })
        if (parsed.status !== 0)
          problems.push(`${where} ${at}: bash cannot parse it: ${parsed.stderr.trim()}`)
        const host = HOST_ONLY.exec(line)
        if (host) problems.push(`${where} ${at}: runs ${host[1]}, a host tool`)
        for (const [re, what] of SECRETS) if (re.test(line)) problems.push(`${where} ${at}: ${what}`)
      }
    })
  }
  return problems
}

describe('the lessons Stacklab ships', () => {
  const dirs = readdirSync(LESSONS).sort()

  it("are the seeds' lessons, each read by the strict reader and the schema, with no problem", () => {
    expect(dirs).toEqual(
      expect.arrayContaining([
        'add-compute',
        'flavors-keys-groups',
        'floating-ip',
        'images',
        'instance',
        'lab-tour',
        'networks',
        'volumes',
      ]),
    )
    expect(lessonProblems(LESSONS)).toEqual([])
  })

  it('follow one another: the chain starts at the tour and reaches every lesson but the node of its own', () => {
    const lessons = dirs.map((d) => readLesson(LESSONS, d).lesson!)
    const first = lessons.filter((l) => !l.after).map((l) => l.id)
    // add-compute starts from an installed lab with compute1 added by the learner, nothing else before it.
    expect(first).toEqual(['add-compute', 'lab-tour'])
    expect(lessons.find((l) => l.id === 'add-compute')!.needs.nodes).toEqual([
      { name: 'compute1', role: 'compute' },
    ])
    const order = ['lab-tour']
    for (let next = lessons.find((l) => l.after === order.at(-1)); next;) {
      order.push(next.id)
      next = lessons.find((l) => l.after === order.at(-1))
    }
    expect(order).toEqual([
      'lab-tour',
      'images',
      'flavors-keys-groups',
      'networks',
      'instance',
      'volumes',
      'floating-ip',
    ])
  })

  it('docs/lessons.md shows a lesson the schema accepts', () => {
    const doc = readFileSync(join('docs', 'lessons.md'), 'utf8')
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!
    const lesson = Lesson.parse(parseUserYaml(example))
    expect(lesson.tasks[0]!.check[0]!.expect[0]).toMatchObject({ path: 'ram', atLeast: 128 })
    for (const { text } of texts(lesson, '')) expect(text.ko).toMatch(HANGUL)
  })

  it('has the negative check the issue asks for: without the ICMP rule, the security group check fails', () => {
    const lesson = readLesson(LESSONS, 'flavors-keys-groups').lesson!
    const task = lesson.tasks.find((t) => t.id === 'security-group')!
    expect(task.negative).toHaveLength(1)
    const [negative] = task.negative
    expect(negative!.break[0]!.run.join('\n')).toMatch(/rule delete/)
    // What must fail after the break is the task's own ICMP condition.
    expect(negative!.check.expect).toEqual([task.check[0]!.expect[0]])
    expect(negative!.mend[0]!.run.join('\n')).toMatch(/--proto icmp mysg/)
  })

  it('reaches the instance for real: the floating-ip ping passes on answers, fails on none, and its negative check is that ping', () => {
    const lesson = readLesson(LESSONS, 'floating-ip').lesson!
    const task = lesson.tasks.find((t) => t.id === 'ping')!
    const ping = task.check[0]!
    // The check ends in `|| true`: unanswered pings are "not yet" (and waited for), not a failed command.
    expect(ping.run).toMatch(/ping -c 3 -W 3 "\$ip" \|\| true$/)
    const out = (name: string) => readFileSync(join('test', 'fixtures', 'ping', name), 'utf8')
    const answered = evaluateCheck({ code: 0, stdout: out('answered.txt'), stderr: '' }, ping.expect)
    expect(answered.verdict).toBe('passed')
    const none = evaluateCheck({ code: 0, stdout: out('unreachable.txt'), stderr: '' }, ping.expect)
    expect(none.verdict).toBe('not-yet')
    expect(none.findings[0]!.ok).toBe(false)
    // The negative check: Stacklab deletes the ICMP rule, and the same ping must then fail.
    const [negative] = task.negative
    expect(negative!.break[0]!.run.join('\n')).toMatch(/--protocol icmp --ingress .*rule delete/)
    expect(negative!.check.run).toBe(ping.run)
    expect(negative!.check.expect).toEqual(ping.expect)
    expect(negative!.mend[0]!.run.join('\n')).toMatch(/rule create --proto icmp mysg/)
  })
})

describe('the rules, on planted broken lessons', () => {
  const { dir: root, cleanup } = tempDir('stacklab-lessons-')
  afterAll(cleanup)
  const good = readFileSync(join(LESSONS, 'lab-tour', 'lesson.yaml'), 'utf8')
  const plant = (dir: string, text: string) => {
    mkdirSync(join(root, dir), { recursive: true })
    writeFileSync(join(root, dir, 'lesson.yaml'), text)
  }
  const only = (dir: string, text: string) => {
    const { dir: one, cleanup: done } = tempDir('stacklab-lesson-')
    try {
      mkdirSync(join(one, dir))
      writeFileSync(join(one, dir, 'lesson.yaml'), text)
      return lessonProblems(one)
    } finally {
      done()
    }
  }

  it('a copy of a good lesson passes', () => {
    expect(only('lab-tour', good)).toEqual([])
  })

  it('reports a folder that is not the id, a missing after and a cycle', () => {
    plant('tour-copy', good)
    plant('a', good.replace('id: lab-tour', 'id: a\nafter: b'))
    plant('b', good.replace('id: lab-tour', 'id: b\nafter: a'))
    plant('c', good.replace('id: lab-tour', 'id: c\nafter: no-such-lesson'))
    const problems = lessonProblems(root)
    expect(problems).toContain('tour-copy: id "lab-tour" is not its folder\'s name')
    expect(problems).toContain('a: after makes a cycle (a -> b -> a)')
    expect(problems).toContain('c: after names "no-such-lesson", which is no lesson')
  })

  it('reports YAML the strict reader refuses and keys the schema does not know', () => {
    expect(only('lab-tour', `x: &a [1]\ny: *a\n${good}`)[0]).toMatch(/^lab-tour: .*anchors/)
    expect(only('lab-tour', good.replace('minutes: 15', 'minutes: 15\nauthor: someone'))).toEqual([
      'lab-tour: (lesson): Unrecognized key: "author"',
    ])
    expect(only('lab-tour', good.replace('minutes: 15', 'minutes: 15\0'))[0]).toMatch(/^lab-tour: /)
  })

  it('reports a node the default lab does not have, a host tool, a secret and English where Korean belongs', () => {
    const problems = only(
      'lab-tour',
      good
        .replace(
          '  - node: compute\n        admin: false\n        run: for u',
          '  - node: compute1\n        admin: false\n        run: for u',
        )
        .replace('run: ip -br addr; ping', 'run: virsh list; ip -br addr; ping')
        .replace('- cat /root/admin-openrc', '- export OS_PASSWORD=abc123')
        .replace('ko: 실습 환경 둘러보기', 'ko: A tour of the lab'),
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        'lab-tour: tasks.1 (services-where) check.1: node "compute1" is not in the default lab',
        'lab-tour: tasks.2 (two-networks) check.0.run: runs virsh, a host tool',
        'lab-tour: tasks.0 (credentials) commands.0: sets OS_PASSWORD',
        'lab-tour: title.ko has no Korean',
      ]),
    )
    expect(only('lab-tour', good.replace('en: A tour of the lab', 'en: 실습 환경 tour'))).toEqual([
      'lab-tour: title.en has Korean',
    ])
  })

  it('reports a command bash cannot parse', () => {
    const problems = only('lab-tour', good.replace('run: ip -br addr; ping', 'run: if ip -br addr; ping'))
    expect(problems).toEqual([
      expect.stringMatching(/^lab-tour: tasks\.2 \(two-networks\) check\.0\.run: bash cannot parse it: /),
    ])
  })

  it('reports a solution that cannot run twice', () => {
    const problems = only(
      'lab-tour',
      good.replace(
        "- grep -qs '^\\. /root/admin-openrc' /root/.bashrc || echo '. /root/admin-openrc' >> /root/.bashrc",
        "- echo '. /root/admin-openrc' >> /root/.bashrc\n          - openstack network create x",
      ),
    )
    expect(problems).toEqual([
      'lab-tour: tasks.0 (credentials) solve.0.run.0: makes something without looking first (cannot run twice)',
      'lab-tour: tasks.0 (credentials) solve.0.run.1: makes something without looking first (cannot run twice)',
    ])
  })
})
