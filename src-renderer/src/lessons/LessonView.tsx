// One lesson on one lab: the goal and progress (kept by the engine across restarts), Start and Reset (jobs:
// a lab checkpoint taken, restored), the tasks in order with their explanation, commands to copy, Check
// and what is right or missing in the lesson's words, hints one at a time, and "Do it for me"; beside them
// the lab controller's SSH console, open and ready. The lesson's text follows the language switch at once.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Job } from '../../../src-shared/jobs'
import type { LabSummary } from '../../../src-shared/lab'
import type {
  Lesson,
  LessonProgress,
  LessonSummary,
  Task,
  TaskResult,
  TaskVerdict,
} from '../../../src-shared/lesson'
import { call } from '../api/current'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { CopyButton } from '../components/CopyButton'
import { formatWhen } from '../components/time'
import { failureText, shownFailure, stepTitle, type ShownFailure } from '../components/words'
import { plural, useLang, useT, type Lang, type Translate } from '../i18n'
import { useJobs } from '../state/jobs'
import { useNeedsLibvirt } from '../state/reach'
import { LessonConsole } from './LessonConsole'
import type { Unfit } from '../../../src-shared/lesson-fit'
import { needsText, unfitText } from './fit'

/** The last check's findings per lab and lesson, kept while another page is shown. */
const lastResults = new Map<string, Record<string, TaskResult>>()
/** Jobs this window started, and the task a "do it for me" was for. */
const started = new Map<string, { lab: string; lesson: string; task: string | null }>()
/** Lesson jobs whose end was acted on (the progress read again, a solved task checked), once each. */
const handled = new Set<string>()

const VERDICT_CLASS: Record<TaskVerdict, string> = {
  passed: 'ok',
  'not-yet': 'warn',
  'could-not-check': 'fail',
}

export function LessonView({
  lab,
  summary,
  unfit,
  afterTitle,
}: {
  lab: LabSummary
  summary: LessonSummary
  unfit: Unfit[]
  afterTitle: string | null
}) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const key = `${lab.name}/${summary.id}`
  const [lesson, setLesson] = useState<Lesson | null>(null)
  const [progress, setProgress] = useState<LessonProgress | null>(null)
  const [results, setResultsState] = useState<Record<string, TaskResult>>(() => lastResults.get(key) ?? {})
  const [checking, setChecking] = useState<Record<string, boolean>>({})
  const [errors, setErrors] = useState<Record<string, ShownFailure | null>>({})
  const [confirmReset, setConfirmReset] = useState(false)
  // Resets done while this view is open: the lab's VMs went back to the checkpoint, so the console's SSH
  // connection belongs to a past they no longer have and is opened again.
  const [restored, setRestored] = useState(0)
  const jobs = useJobs((s) => s.jobs)
  const libvirt = useNeedsLibvirt(t('lessons.needsLibvirt'))
  const ready = unfit.length === 0

  const setResults = useCallback(
    (update: (r: Record<string, TaskResult>) => Record<string, TaskResult>) =>
      setResultsState((r) => {
        const next = update(r)
        lastResults.set(key, next)
        return next
      }),
    [key],
  )
  const setError = (k: string, e: ShownFailure | null) => setErrors((all) => ({ ...all, [k]: e }))

  const loadProgress = useCallback(
    () =>
      call('lesson.progress', { lab: lab.name, lesson: summary.id }).then(setProgress, (e: unknown) =>
        setError('load', shownFailure(e)),
      ),
    [lab.name, summary.id],
  )
  useEffect(() => {
    call('lesson.get', { id: summary.id }).then(setLesson, (e: unknown) => setError('load', shownFailure(e)))
    void loadProgress()
  }, [summary.id, loadProgress])

  const check = async (task?: string) => {
    const k = task ?? '*'
    setChecking((c) => ({ ...c, [k]: true }))
    setError(k, null)
    try {
      const report = await call('lesson.check', {
        lab: lab.name,
        lesson: summary.id,
        ...(task ? { task } : {}),
      })
      setResults((r) => ({ ...r, ...Object.fromEntries(report.results.map((x) => [x.task, x])) }))
      await loadProgress()
    } catch (e) {
      setError(k, shownFailure(e))
    } finally {
      setChecking((c) => ({ ...c, [k]: false }))
    }
  }

  const startJob = async (what: 'start' | 'reset' | 'solve', task: string | null = null) => {
    const k = task ?? what
    setError(k, null)
    try {
      const input = { lab: lab.name, lesson: summary.id }
      const job =
        what === 'solve'
          ? await call('lesson.solve', { ...input, task: task! })
          : await call(what === 'start' ? 'lesson.start' : 'lesson.reset', input)
      started.set(job.id, { lab: lab.name, lesson: summary.id, task })
      // Its events may have come first: the job as they left it is newer than the call's answer.
      if (!useJobs.getState().jobs[job.id]) useJobs.getState().upsert(job)
      settle.current()
    } catch (e) {
      setError(k, shownFailure(e))
    }
  }

  // Jobs of this lesson on this lab, newest first: the ones this window started, and any lesson job still
  // running on the lab (started before a reload, or from the CLI).
  const mine = Object.values(jobs)
    .filter((j) => {
      const s = started.get(j.id)
      return s
        ? s.lab === lab.name && s.lesson === summary.id
        : j.lab === lab.name && j.kind.startsWith('lesson.') && j.state === 'running'
    })
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
  const busy = mine.some((j) => j.state === 'running')
  const taskJob = (task: string | null) => mine.find((j) => (started.get(j.id)?.task ?? null) === task)

  // When a job ends: the progress again (a solve also checks, a reset starts over), and after a solve the
  // task's findings; a reset forgets the old findings. Jobs this window started are followed from their
  // start (one may end before its start call answers); others from when they were seen running.
  const seenRunning = useRef(new Set<string>())
  const settle = useRef<() => void>(() => {})
  useEffect(() => {
    settle.current = () => {
      for (const j of Object.values(useJobs.getState().jobs)) {
        const s = started.get(j.id)
        const ours = s ? s.lab === lab.name && s.lesson === summary.id : j.lab === lab.name
        if (!ours || !j.kind.startsWith('lesson.') || handled.has(j.id)) continue
        if (j.state === 'running') {
          seenRunning.current.add(j.id)
          continue
        }
        if (!s && !seenRunning.current.has(j.id)) continue // ended before this view opened
        handled.add(j.id)
        if (j.kind === 'lesson.reset' && j.state === 'succeeded') {
          setResults(() => ({}))
          setRestored((n) => n + 1)
        }
        if (j.kind === 'lesson.solve' && s?.task && j.state === 'succeeded') void check(s.task)
        else void loadProgress()
      }
    }
  })
  useEffect(() => {
    settle.current()
    return useJobs.subscribe(() => settle.current())
  }, [])

  const verdictOf = (task: string): TaskVerdict | null =>
    results[task]?.verdict ?? progress?.tasks[task]?.verdict ?? null
  const total = summary.tasks.length
  const done = summary.tasks.filter((x) => verdictOf(x.id) === 'passed').length
  const loadError = errors['load']
  const controller = lab.nodes.find((n) => n.role === 'controller')

  return (
    <div className="lesson-layout">
      <article
        className="lesson-text"
        aria-labelledby="lesson-title"
        id="lesson-text"
        onKeyDown={(e) => {
          if (e.key !== 'F6') return
          e.preventDefault()
          document.querySelector<HTMLElement>('#lesson-term .xterm-helper-textarea')?.focus()
        }}
      >
        <h2 id="lesson-title" tabIndex={-1}>
          {summary.title[lang]}
        </h2>
        <p>
          <strong>{t('lessons.goal')}:</strong> <span id="lesson-goal">{summary.goal[lang]}</span>
        </p>
        <p className="muted">
          {plural(lang, 'lessons.minutes', summary.minutes)} · {needsText(summary.needs, t)}
        </p>
        {afterTitle && <p className="muted">{t('lessons.after', { title: afterTitle })}</p>}
        {!ready && (
          <p id="lesson-why" className="banner warn">
            {t('lessons.why', { lab: lab.name, why: unfitText(unfit, t) })}
          </p>
        )}
        {loadError && (
          <p id="lesson-load-error" className="banner fail" role="alert">
            {t('lessons.loadError', { message: failureText(loadError, lang, t).message })}
          </p>
        )}
        <p id="lesson-progress" data-done={done} data-total={total} role="status">
          {plural(lang, 'lessons.progress', total, { done })}
        </p>
        <p id="lesson-started" className="muted">
          {progress?.startedAt
            ? t('lessons.startedAt', { time: formatWhen(progress.startedAt, lang) })
            : progress && t('lessons.notStarted')}
        </p>
        <div className="form-actions">
          <button
            id="lesson-start"
            disabled={!ready || busy || libvirt.disabled}
            title={libvirt.title}
            onClick={() => void startJob('start')}
          >
            {progress?.startedAt ? t('lessons.restart') : t('lessons.start')}
          </button>
          <button
            id="lesson-reset"
            disabled={!progress?.checkpoint || busy || libvirt.disabled}
            title={libvirt.title ?? (progress?.checkpoint ? undefined : t('lessons.resetNeedsStart'))}
            aria-describedby={progress?.checkpoint ? undefined : 'lesson-reset-why'}
            onClick={() => setConfirmReset(true)}
          >
            {t('lessons.reset')}
          </button>
          <button
            id="lesson-check-all"
            className="primary"
            disabled={!ready || !!checking['*']}
            onClick={() => void check()}
          >
            {checking['*'] ? t('lessons.checking') : t('lessons.checkAll')}
          </button>
        </div>
        {progress && !progress.checkpoint && (
          <p id="lesson-reset-why" className="muted small-print">
            {t('lessons.resetNeedsStart')}
          </p>
        )}
        <ErrorLine id="lesson-start-error" error={errors['start']} />
        <ErrorLine id="lesson-reset-error" error={errors['reset']} />
        <ErrorLine id="lesson-check-all-error" error={errors['*']} />
        {(() => {
          const j = taskJob(null)
          return j && <JobLine id="lesson-job" job={j} />
        })()}
        <h3 id="lesson-tasks-heading">{t('lessons.tasks')}</h3>
        <ol className="lesson-tasks" aria-labelledby="lesson-tasks-heading">
          {(lesson?.tasks ?? []).map((task, i) => (
            <TaskCard
              key={task.id}
              n={i + 1}
              task={task}
              lab={lab.name}
              lesson={summary.id}
              verdict={verdictOf(task.id)}
              result={results[task.id]}
              taskProgress={progress?.tasks[task.id]}
              checking={!!checking[task.id] || !!checking['*']}
              error={errors[task.id] ?? null}
              job={taskJob(task.id)}
              disabled={!ready}
              busy={busy}
              onCheck={() => void check(task.id)}
              onSolve={() => void startJob('solve', task.id)}
              onHint={(shown) =>
                setProgress((p) =>
                  p
                    ? {
                        ...p,
                        tasks: {
                          ...p.tasks,
                          [task.id]: {
                            verdict: null,
                            checkedAt: null,
                            solvedByStacklab: false,
                            ...p.tasks[task.id],
                            hintsShown: shown,
                          },
                        },
                      }
                    : p,
                )
              }
              onHintError={(e) => setError(task.id, e)}
            />
          ))}
        </ol>
      </article>
      <aside className="lesson-console" aria-label={t('lessons.console', { node: controller?.name ?? '' })}>
        {controller ? (
          <LessonConsole lab={lab.name} node={controller.name} restored={restored} />
        ) : (
          <p className="muted">{t('lessons.console.noController')}</p>
        )}
      </aside>
      {confirmReset && (
        <ConfirmDialog
          id="confirm-lesson-reset"
          title={t('lessons.resetTitle', { title: summary.title[lang], lab: lab.name })}
          confirm={t('lessons.resetConfirm')}
          cancel={t('lessons.keep')}
          onCancel={() => setConfirmReset(false)}
          onConfirm={() => {
            setConfirmReset(false)
            void startJob('reset')
          }}
        >
          <p>{t('lessons.resetBody', { lab: lab.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  )
}

function ErrorLine({ id, error }: { id: string; error: ShownFailure | null | undefined }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  if (!error) return null
  return (
    <p id={id} className="field-error" role="alert">
      {t('lessons.checkFailed', { message: failureText(error, lang, t).message })}
    </p>
  )
}

function TaskCard({
  n,
  task,
  lab,
  lesson,
  verdict,
  result,
  taskProgress,
  checking,
  error,
  job,
  disabled,
  busy,
  onCheck,
  onSolve,
  onHint,
  onHintError,
}: {
  n: number
  task: Task
  lab: string
  lesson: string
  verdict: TaskVerdict | null
  result: TaskResult | undefined
  taskProgress: LessonProgress['tasks'][string] | undefined
  checking: boolean
  error: ShownFailure | null
  job: Job | undefined
  disabled: boolean
  busy: boolean
  onCheck: () => void
  onSolve: () => void
  onHint: (shown: number) => void
  onHintError: (e: ShownFailure) => void
}) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const id = `task-${task.id}`
  const shown = Math.min(taskProgress?.hintsShown ?? 0, task.hints.length)
  const [asking, setAsking] = useState(false)
  const lastHint = useRef<HTMLLIElement>(null)
  const focusLast = useRef(false)
  useEffect(() => {
    if (!focusLast.current || shown < task.hints.length) return
    focusLast.current = false
    lastHint.current?.focus()
  }, [shown, task.hints.length])
  const hint = async () => {
    setAsking(true)
    try {
      const answer = await call('lesson.hint', { lab, lesson, task: task.id })
      onHint(answer.shown)
      // The button goes once every hint is shown: focus moves to the last one instead of the page's top.
      if (answer.shown >= answer.total) focusLast.current = true
    } catch (e) {
      onHintError(shownFailure(e))
    } finally {
      setAsking(false)
    }
  }
  return (
    <li id={id} className="card lesson-task" data-verdict={verdict ?? 'none'}>
      <div className="card-head">
        <h4 id={`${id}-title`}>
          {n}. {task.title[lang]}
        </h4>
        <span
          id={`${id}-verdict`}
          className={`badge ${verdict ? VERDICT_CLASS[verdict] : ''}`}
          data-verdict={verdict ?? 'none'}
        >
          {t(`lessons.verdict.${verdict ?? 'none'}`)}
          {taskProgress?.solvedByStacklab && verdict === 'passed' && ` · ${t('lessons.solvedByStacklab')}`}
        </span>
      </div>
      <p className="lesson-explain">{task.explain[lang]}</p>
      {task.commands.length > 0 && (
        <>
          <h5 className="muted">{t('lessons.task.commands')}</h5>
          <ul className="lesson-commands">
            {task.commands.map((c, i) => (
              <li key={i} className="fix">
                <code lang="en">{c}</code>
                <CopyButton id={`${id}-copy-${i}`} text={c} label={t('lessons.task.copy', { command: c })} />
              </li>
            ))}
          </ul>
        </>
      )}
      {shown > 0 && (
        <ol className="lesson-hints" id={`${id}-hints`}>
          {task.hints.slice(0, shown).map((h, i) => (
            <li key={i} id={`${id}-hint-${i + 1}`} ref={i === shown - 1 ? lastHint : undefined} tabIndex={-1}>
              <strong>{t('lessons.hint.label', { n: i + 1 })}:</strong> {h[lang]}
            </li>
          ))}
        </ol>
      )}
      <div className="form-actions">
        <button
          id={`${id}-check`}
          className="primary"
          disabled={disabled || checking}
          aria-describedby={`${id}-title`}
          onClick={onCheck}
        >
          {checking ? t('lessons.checking') : t('lessons.task.check')}
        </button>
        {task.hints.length > 0 &&
          (shown < task.hints.length ? (
            <button id={`${id}-hint`} disabled={asking} onClick={() => void hint()}>
              {t('lessons.hint.show', { n: shown + 1, total: task.hints.length })}
            </button>
          ) : (
            <span id={`${id}-hints-done`} className="muted">
              {t('lessons.hint.allShown')}
            </span>
          ))}
        <button
          id={`${id}-solve`}
          disabled={disabled || busy}
          title={t('lessons.solve.note')}
          aria-describedby={`${id}-title`}
          onClick={onSolve}
        >
          {t('lessons.solve')}
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {t('lessons.checkFailed', { message: failureText(error, lang, t).message })}
        </p>
      )}
      {job && <JobLine id={`${id}-job`} job={job} />}
      {result && <Findings id={`${id}-findings`} result={result} lang={lang} t={t} />}
    </li>
  )
}

function Findings({ id, result, lang, t }: { id: string; result: TaskResult; lang: Lang; t: Translate }) {
  return (
    <div id={id} className="lesson-findings" data-verdict={result.verdict} aria-live="polite">
      {result.verdict === 'could-not-check' && (
        <p id={`${id}-problem`} className="banner fail">
          {t('lessons.couldNot', { problem: '' })}
          <span lang="en">{result.problem ?? ''}</span>
        </p>
      )}
      <ul>
        {result.findings.map((f, i) => (
          <li key={i} className={f.ok ? 'finding ok' : 'finding missing'} data-ok={f.ok}>
            <span className={`badge ${f.ok ? 'ok' : 'warn'}`}>
              {f.ok ? t('lessons.finding.ok') : t('lessons.finding.missing')}
            </span>{' '}
            <span className="finding-says">{f.says[lang]}</span>
            {f.seen && (
              <details className="finding-seen">
                <summary>{t('lessons.seen')}</summary>
                <pre lang="en">{f.seen}</pre>
              </details>
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}

const JOB_WHAT = {
  'lesson.start': 'lessons.job.start',
  'lesson.solve': 'lessons.job.solve',
  'lesson.reset': 'lessons.job.reset',
} as const

/** A lesson job: what it does and its state, progress, the step running, Cancel, and its error. */
function JobLine({ id, job }: { id: string; job: Job }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const pct = Math.round(job.progress * 100)
  const step = job.steps.find((s) => s.state === 'running')
  const failure = job.error && failureText(job.error, lang, t)
  const what = job.kind in JOB_WHAT ? t(JOB_WHAT[job.kind as keyof typeof JOB_WHAT]) : job.title
  const cls = job.state === 'succeeded' ? 'ok' : job.state === 'failed' ? 'fail' : 'warn'
  return (
    <div id={id} className="lesson-job" data-state={job.state}>
      <p role="status">
        <span className={`badge ${cls}`}>{t(`jobs.state.${job.state}`)}</span> {what}
        {step && (
          <span className="muted">
            {' '}
            · {stepTitle(job.kind, step, t)}
            {step.detail && <code lang="en"> {step.detail}</code>}
          </span>
        )}
        {job.state === 'running' && (
          <button
            id={`${id}-cancel`}
            className="small"
            onClick={() => void useJobs.getState().cancel(job.id)}
          >
            {t('jobs.cancel')}
          </button>
        )}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label={what}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className={`progress-bar ${cls}`} style={{ width: `${pct}%` }} />
      </div>
      {failure && (
        <p id={`${id}-error`} className="banner fail" role="alert">
          {t('lessons.jobFailed', { message: failure.message })}
        </p>
      )}
    </div>
  )
}
