// Whether a lab can take a lesson, as the Lessons page says it before the learner presses Start: built,
// installed the way the lesson is written for, OpenStack installed (packstack's run succeeded, or every
// stage of the packages install done), and nodes of the roles it uses; each reason in both languages.
import { describe, expect, it } from 'vitest'
import { debianStagesOf } from '../../src-shared/install'
import { LabDefinition, defaultLab, type LabState, type LabSummary } from '../../src-shared/lab'
import { Lesson } from '../../src-shared/lesson'
import { openstackInstalled } from '../../src-shared/install'
import { unfitFor } from '../../src-shared/lesson-fit'
import { unfitText } from '../../src-renderer/src/lessons/fit'
import { translate, type Translate } from '../../src-renderer/src/i18n'
import { stepTitle } from '../../src-renderer/src/components/words'

const summary = (preset: string, roles = ['controller', 'compute'], status = 'ready'): LabSummary => ({
  name: 'lab1',
  status: status as LabSummary['status'],
  preset,
  release: 'test',
  nodes: roles.map((role, i) => ({ name: `n${i}`, role: role as 'controller', address: '', domain: null })),
  createdAt: '',
  lastError: null,
})

const needs = (over: Record<string, unknown> = {}) =>
  Lesson.shape.needs.parse({ installers: ['packstack'], ...over })

const record = (preset: string, install: LabState['install']) => ({
  definition: LabDefinition.parse(defaultLab('lab1', preset)),
  install,
})

const run = (outcome: 'success' | 'failed', join?: string) => ({
  id: 'r',
  log: '',
  rcFile: '',
  pid: null,
  startedAt: '',
  finishedAt: '',
  outcome,
  error: null,
  ...(join ? { join } : {}),
})

describe('a lab for a lesson', () => {
  it('takes it when built, installed as the lesson needs, with OpenStack and the roles', () => {
    const state = record('centos-stream-9', { answersSaved: true, runs: [run('success')] })
    expect(unfitFor(needs({ roles: ['controller', 'compute'] }), summary('centos-stream-9'), state)).toEqual(
      [],
    )
  })

  it('says each thing missing: not built, the other install method, no OpenStack, no compute node', () => {
    const state = record('debian-12', { answersSaved: false, runs: [] })
    const why = unfitFor(
      needs({ roles: ['controller', 'compute'] }),
      summary('debian-12', ['controller'], 'failed'),
      state,
    )
    expect(why).toEqual([
      { why: 'notReady' },
      { why: 'packstack' },
      { why: 'openstack' },
      { why: 'role', role: 'compute' },
    ])
    const t =
      (lang: 'en' | 'ko'): Translate =>
      (k, v) =>
        translate(lang, k, v)
    expect(unfitText(why, t('en'))).toContain("this one installs from Debian's packages")
    expect(unfitText(why, t('en'))).toContain('needs a compute node')
    expect(unfitText(why, t('ko'))).toContain('컴퓨트 노드가 필요한데')
  })

  it('asks for the node a lesson names, of its role: compute1 added by the learner to join by hand', () => {
    const state = record('centos-stream-9', { answersSaved: true, runs: [run('success')] })
    const want = needs({ roles: ['controller', 'compute'], nodes: [{ name: 'compute1', role: 'compute' }] })
    const lab = summary('centos-stream-9')
    const why = unfitFor(want, lab, state)
    expect(why).toEqual([{ why: 'node', name: 'compute1', role: 'compute' }])
    // A node of that name in another role is not it; compute1 as a compute node is.
    const other = {
      ...lab,
      nodes: [...lab.nodes, { name: 'compute1', role: 'network' as const, address: '', domain: null }],
    }
    expect(unfitFor(want, other, state)).toEqual(why)
    const fits = {
      ...lab,
      nodes: [...lab.nodes, { name: 'compute1', role: 'compute' as const, address: '', domain: null }],
    }
    expect(unfitFor(want, fits, state)).toEqual([])
    const t =
      (lang: 'en' | 'ko'): Translate =>
      (k, v) =>
        translate(lang, k, v)
    expect(unfitText(why, t('en'))).toContain('a compute node named compute1, added without joining it')
    expect(unfitText(why, t('ko'))).toContain('compute1이라는 컴퓨트 노드가 필요합니다')
    // A lesson file cannot ask for a node of a role the join by hand does not make, nor a bad name.
    expect(() => needs({ nodes: [{ name: 'c1', role: 'controller' }] })).toThrow()
    expect(() => needs({ nodes: [{ name: '../c1', role: 'compute' }] })).toThrow()
  })

  it('names the packages method for a packstack lab, and judges OpenStack only once the record is read', () => {
    expect(unfitFor(needs({ installers: ['packages'] }), summary('centos-stream-9'), null)).toEqual([
      { why: 'packages' },
    ])
  })

  it('counts a packstack install, not a join or a failed run, and a packages install with every stage', () => {
    expect(openstackInstalled(record('centos-stream-9', { answersSaved: true, runs: [run('failed')] }))).toBe(
      false,
    )
    expect(
      openstackInstalled(record('centos-stream-9', { answersSaved: true, runs: [run('success', 'c2')] })),
    ).toBe(false)
    const def = record('debian-12', undefined).definition
    const all = debianStagesOf(def).map((s) => s.id)
    const stages = (done: string[], failed: string | null = null) => ({
      definition: def,
      install: {
        answersSaved: false,
        runs: [],
        stages: { done, current: null, failed, seconds: {} },
      },
    })
    expect(openstackInstalled(stages(all))).toBe(true)
    expect(openstackInstalled(stages(all.slice(0, -1)))).toBe(false)
    expect(openstackInstalled(stages(all, 'nova'))).toBe(false)
  })
})

describe("a lesson job's steps", () => {
  const step = (id: string, title: string) => ({
    id,
    title,
    state: 'running' as const,
    startedAt: null,
    finishedAt: null,
    detail: '',
  })
  const ko = (k: Parameters<typeof translate>[1]) => translate('ko', k)
  it('are named as lesson steps, not as the lab steps of the same id', () => {
    // The engine's lesson.start has a step "checkpoint", as lab.create has ("First checkpoint fresh").
    expect(stepTitle('lesson.start', step('checkpoint', 'Checkpoint "lesson-x"'), ko)).toBe(
      '실습 시작 체크포인트',
    )
    expect(stepTitle('lab.create', step('checkpoint', ''), ko)).toBe('첫 체크포인트 "fresh"')
    expect(stepTitle('lesson.solve', step('check', 'Check the task'), ko)).toBe('과제 확인')
  })
  it("keep the engine's title for steps named after a lesson or a negative check", () => {
    expect(stepTitle('lesson.start', step('after-images', 'Finish lesson images'), ko)).toBe(
      'Finish lesson images',
    )
  })
})
