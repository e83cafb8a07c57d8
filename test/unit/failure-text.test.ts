// Engine failures in the reader's language: a job's error is translated by its code and parameters, a code
// the catalogs do not know (and English mode) shows the engine's English, and a fix of the job's own (a
// command line) stays as it is. The failure catalog names only codes the engine has.
import { describe, expect, it, onTestFinished } from 'vitest'
import { failureText, shownFailure, statusProblemText } from '../../src-renderer/src/components/words'
import { StatusProblemCode, statusProblem } from '../../src-shared/status-says'
import { AREAS, isMessageKey, translate, type Lang, type Translate } from '../../src-renderer/src/i18n'
import { HostKeyMismatch } from '../../src-main/engine/ssh/client'
import { join } from 'node:path'
import { createRun, ExecError } from '../../src-main/engine/exec'
import { createLogger } from '../../src-main/engine/log'
import { rejection, tempDir, testEngine } from '../helpers'
import { ApiError } from '../../src-shared/errors'
import { FAILURE_REASONS, FailureCode } from '../../src-shared/failures'
import { joinError } from '../../src-main/engine/install/join'

const tFor =
  (lang: Lang): Translate =>
  (key, vars) =>
    translate(lang, key, vars)
const text = (error: Parameters<typeof failureText>[0], lang: Lang) => failureText(error, lang, tFor(lang))

describe('failureText', () => {
  const mismatch = new HostKeyMismatch('10.0.0.5', 'SHA256:old', 'SHA256:new')
  const jobError = {
    message: mismatch.message,
    fix: mismatch.fix,
    code: mismatch.code,
    params: mismatch.params,
  }

  it('says the engine’s own sentence in English, and the catalog’s English matches it', () => {
    expect(text(jobError, 'en')).toEqual({ message: mismatch.message, fix: mismatch.fix })
    expect(
      translate('en', 'failure.ssh.host-key', {
        host: '10.0.0.5',
        expected: 'SHA256:old',
        got: 'SHA256:new',
      }),
    ).toBe(mismatch.message)
  })

  it('translates a host key mismatch into Korean, quoting the host and both fingerprints', () => {
    const ko = text(jobError, 'ko')
    expect(ko.message).toBe(
      translate('ko', 'failure.ssh.host-key', {
        host: '10.0.0.5',
        expected: 'SHA256:old',
        got: 'SHA256:new',
      }),
    )
    expect(ko.message).toContain('SHA256:new')
    expect(ko.message).not.toMatch(/refused to connect|Stacklab recorded/)
    expect(ko.fix).toContain('10.0.0.5')
    expect(ko.fix).not.toMatch(/Find out who answers/)
  })

  it('keeps a fix of the job’s own (a command to run again) as it is', () => {
    const ko = text({ ...jobError, fix: 'Check the nodes answer SSH, then: stacklab install l1' }, 'ko')
    expect(ko.fix).toBe('Check the nodes answer SSH, then: stacklab install l1')
    expect(ko.message).not.toBe(mismatch.message)
  })

  it('falls back to the English message for a code with no entry, or none at all', () => {
    const pipeline = {
      message: 'virt-builder failed',
      fix: 'stacklab lab resume l1',
      code: 'pipeline.step' as const,
    }
    expect(text(pipeline, 'ko')).toEqual({ message: 'virt-builder failed', fix: 'stacklab lab resume l1' })
    expect(text({ message: 'old job file' }, 'ko')).toEqual({ message: 'old job file', fix: undefined })
  })

  it('reads field issues as path: message', () => {
    const issues = [
      { path: 'name', message: 'a network named default already exists' },
      { path: 'subnet', message: 'overlaps' },
    ]
    const ko = text({ message: 'x', code: 'validation', params: { issues } }, 'ko')
    expect(ko.message).toBe(
      '입력이 올바르지 않습니다: name: a network named default already exists; subnet: overlaps',
    )
  })

  it('the failure catalog names only codes the engine has', () => {
    const codes = new Set<string>(FailureCode.options)
    for (const [code, reasons] of Object.entries(FAILURE_REASONS))
      for (const reason of reasons) codes.add(`${code}.${reason}`)
    const keys = Object.keys(AREAS['failures']!.en).map((k) =>
      k.replace(/^failure\./, '').replace(/\.fix$/, ''),
    )
    expect(keys.filter((k) => !codes.has(k))).toEqual([])
  })
})

describe('failures with a reason, and a failed program', () => {
  it('says every reason of a code in Korean, with its fix when the fix is the failure’s own', () => {
    for (const [code, reasons] of Object.entries(FAILURE_REASONS)) {
      for (const reason of reasons) {
        const params = { reason, checks: 'c', issues: 'i', path: '/p', problems: 'p', keys: 'k' }
        const filled = {
          ...params,
          ...{ step: 's', host: 'h', line: 'l', log: 'g', checkpoint: 'pre', lab: 'l1' },
          ...{
            node: 'compute',
            size: 2,
            template: 't',
            needed: 3,
            problem: 'pr',
            controller: 'ctl',
            detail: 'd',
            stage: 'Glance (Image)',
            check: 'image list',
            hint: 'Read the log.',
          },
        }
        const fixKey = `failure.${code}.${reason}.fix`
        const fix = isMessageKey(fixKey) ? translate('en', fixKey, filled) : 'a command of the job’s own'
        const error = { message: 'engine English', fix, code: FailureCode.parse(code), params: filled }
        const ko = text(error, 'ko')
        expect(ko.message, `${code}.${reason}`).toMatch(/[가-힣]/)
        expect(ko.message, `${code}.${reason}`).not.toMatch(/\{\w+\}/)
        if (isMessageKey(fixKey)) expect(ko.fix, fixKey).toMatch(/[가-힣]/)
        else expect(ko.fix).toBe(fix)
      }
    }
  })

  it('says the failures of joining a compute node as the engine does, and in Korean', () => {
    const p = { node: 'compute2', controller: 'controller', detail: 'it is down', lab: 'l1' }
    for (const reason of ['discover-failed', 'compute-missing', 'compute-down'] as const) {
      const e = joinError(reason, p)
      const job = { message: e.message, fix: e.fix, code: e.code, params: e.params }
      expect(text(job, 'en'), reason).toEqual({ message: e.message, fix: e.fix })
      const vars = e.params as Record<string, string>
      expect(translate('en', `failure.install.${reason}`, vars)).toBe(e.message)
      expect(translate('en', `failure.install.${reason}.fix`, vars)).toBe(e.fix)
      const ko = text(job, 'ko')
      expect(ko.message).toMatch(/[가-힣]/)
      expect(ko.message).toContain('compute2')
      expect(ko.fix).toContain('stacklab install l1 --retry')
      expect(ko.fix).toContain('pre-join-compute2')
    }
    expect(joinError('compute-down', p).message).toBe(
      'nova-compute on compute2 is not up in openstack compute service list: it is down',
    )
  })

  it('says a program that failed in Korean, with the last lines it wrote', async () => {
    const dir = tempDir()
    onTestFinished(() => dir.cleanup())
    const logger = createLogger(join(dir.dir, 'app.log'))
    const error = await rejection(
      createRun(logger)('sh', ['-c', 'echo first >&2; echo broken >&2; exit 4']),
      ExecError,
    )
    expect(error.params).toMatchObject({ program: 'sh', exitCode: 4, stderr: 'first / broken' })
    const job = { message: error.message, code: error.code, params: error.params }
    expect(text(job, 'ko').message).toBe('sh 실패(종료 코드 4): first / broken')
    expect(text(job, 'en').message).toBe(error.message)
  })
})

describe('errors a call rejected with, as pages keep them', () => {
  it('keeps the failure of an engine refusal, so a page says it in Korean and again on a switch', async () => {
    const dir = tempDir()
    onTestFinished(() => dir.cleanup())
    const engine = testEngine(dir.dir)
    await engine.api.call('settings.update', { connectionUri: 'test:///default' })
    const refusal = await rejection(
      engine.api.call('network.create', { name: 'default', mode: 'isolated', subnet: '10.77.0.0/24' }),
      ApiError,
    )
    const shown = shownFailure(refusal)
    expect(shown.code).toBe('validation')
    expect(text(shown, 'ko').message).toBe(
      '입력이 올바르지 않습니다: name: a network named default already exists',
    )
    expect(text(shown, 'en').message).toBe(refusal.message)
    // Anything else (a broken connection, a plain Error) keeps its words as they are.
    expect(shownFailure(new Error('Lost the connection'))).toEqual({ message: 'Lost the connection' })
  })
})

describe('statusProblemText', () => {
  it('says each status problem in Korean, a VM state as the topology says it, and English as sent', () => {
    const shutOff = statusProblem('vm-state', { node: 'compute', state: 'shutoff' })
    expect(statusProblemText(shutOff, 'en', tFor('en'))).toBe('compute: the VM is shutoff')
    expect(statusProblemText(shutOff, 'ko', tFor('ko'))).toBe('compute: VM 상태가 꺼짐입니다')
    // A state word the catalogs do not know is quoted as libvirt said it.
    const missing = statusProblem('vm-state', { node: 'compute', state: 'missing' })
    expect(statusProblemText(missing, 'ko', tFor('ko'))).toBe('compute: VM 상태가 missing입니다')
    const degraded = statusProblem('degraded', { node: 'compute', down: 'openstack-nova-compute is failed' })
    expect(statusProblemText(degraded, 'ko', tFor('ko'))).toContain('openstack-nova-compute is failed')
    expect(statusProblemText(degraded, 'ko', tFor('ko'))).toMatch(/^compute: 실행 중이지만/)
    for (const code of StatusProblemCode.options) {
      const p = statusProblem(code, { node: 'n', state: 's', detail: 'd', kind: 'compute', down: 'x' })
      expect(statusProblemText(p, 'ko', tFor('ko')), code).not.toMatch(/\{\w+\}/)
      expect(statusProblemText(p, 'ko', tFor('ko')), code).not.toBe(p.message)
    }
  })
})
