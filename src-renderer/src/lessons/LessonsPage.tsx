// The Lessons page: choose a lab, see the lessons (goal, time, what each needs, which one it follows, and
// why this lab cannot take one), and open one: its tasks beside the lab controller's SSH console. The lab
// and the lesson open stay chosen while another page is shown.
import { useEffect, useState } from 'react'
import type { LabState } from '../../../src-shared/lab'
import type { LessonProgress, LessonSummary } from '../../../src-shared/lesson'
import { call } from '../api/current'
import { PageHead } from '../components/PageHead'
import { failureText, shownFailure, type ShownFailure } from '../components/words'
import { plural, useLang, useT, type Lang } from '../i18n'
import { useStore } from '../store'
import { useJobs } from '../state/jobs'
import { unfitFor, type Unfit } from '../../../src-shared/lesson-fit'
import { needsText, passedCount, unfitText } from './fit'
import { LessonView } from './LessonView'
import './lessons.css'

/** The lab and lesson chosen last, kept while another page is shown. */
let lastLab = ''
let lastLesson: string | null = null

export function LessonsPage() {
  const t = useT()
  const lang = useLang((s) => s.lang)
  const labs = useStore((s) => s.labs)
  const labsLoaded = useStore((s) => s.labsLoaded)
  const setPage = useStore((s) => s.setPage)
  const [lessons, setLessons] = useState<LessonSummary[] | null>(null)
  const [loadError, setLoadError] = useState<ShownFailure | null>(null)
  const [labName, setLabNameState] = useState(lastLab)
  const [open, setOpenState] = useState<string | null>(lastLesson)
  const [record, setRecord] = useState<LabState | null>(null)
  const [progress, setProgress] = useState<Record<string, LessonProgress>>({})
  const setLab = (name: string) => {
    lastLab = name
    setLabNameState(name)
  }
  const setOpen = (id: string | null) => {
    lastLesson = id
    setOpenState(id)
  }

  useEffect(() => {
    void useStore.getState().loadLabs()
    call('lessons.list', {}).then(setLessons, (e: unknown) => setLoadError(shownFailure(e)))
  }, [])

  // The lab chosen: the one chosen before if it still exists, else the first one.
  const lab = labs.find((l) => l.name === labName) ?? labs[0]

  // The lab's record (is OpenStack installed?) and its progress in every lesson; again when a job on the
  // lab ends (a lesson started, solved or reset; an install finished).
  const labJobsEnded = useJobs((s) =>
    Object.values(s.jobs)
      .filter((j) => j.lab === lab?.name && j.state !== 'running')
      .map((j) => j.id)
      .sort()
      .join(),
  )
  useEffect(() => {
    if (!lab || !lessons) return
    let gone = false
    call('lab.get', { name: lab.name }).then(
      (s) => !gone && setRecord(s),
      () => !gone && setRecord(null),
    )
    void Promise.all(
      lessons.map((l) =>
        call('lesson.progress', { lab: lab.name, lesson: l.id }).then(
          (p) => [l.id, p] as const,
          () => null,
        ),
      ),
    ).then((all) => {
      if (!gone) setProgress(Object.fromEntries(all.filter((x) => x !== null)))
    })
    return () => {
      gone = true
    }
  }, [lab, lessons, labJobsEnded])

  // The record read for another lab (the choice just changed) says nothing about this one.
  const state = record && record.definition.name === lab?.name ? record : null
  const summary = lessons?.find((l) => l.id === open)
  const titleOf = (id: string | null) => lessons?.find((l) => l.id === id)?.title[lang] ?? id ?? ''

  return (
    <section aria-labelledby="lessons-heading" className="lessons">
      <PageHead id="lessons-heading" title={t('lessons.title')} subtitle={<p>{t('lessons.subtitle')}</p>} />
      {loadError && (
        <p id="lessons-error" className="banner fail" role="alert">
          {t('lessons.loadError', { message: failureText(loadError, lang, t).message })}
        </p>
      )}
      {(!labsLoaded || (!lessons && !loadError)) && <p className="muted">{t('lessons.loading')}</p>}
      {labsLoaded && labs.length === 0 && (
        <div id="lessons-no-labs" className="empty-state">
          <p className="muted">{t('lessons.noLabs')}</p>
          <button id="lessons-empty-new" className="primary" onClick={() => setPage('wizard')}>
            {t('empty.newLab')}
          </button>
        </div>
      )}
      {lessons && lessons.length === 0 && (
        <div id="lessons-none" className="empty-state">
          <p className="muted">{t('lessons.none')}</p>
        </div>
      )}
      {lab && lessons && lessons.length > 0 && (
        <>
          <div className="lessons-chooser">
            <label>
              {t('lessons.lab')}
              <select id="lessons-lab" value={lab.name} onChange={(e) => setLab(e.target.value)}>
                {labs.map((l) => (
                  <option key={l.name} value={l.name}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
            {summary && (
              <button id="lessons-back" type="button" onClick={() => setOpen(null)}>
                ← {t('lessons.back')}
              </button>
            )}
          </div>
          {summary ? (
            <LessonView
              key={`${lab.name}/${summary.id}`}
              lab={lab}
              summary={summary}
              unfit={unfitFor(summary.needs, lab, state)}
              afterTitle={summary.after ? titleOf(summary.after) : null}
            />
          ) : (
            <LessonList
              lessons={lessons}
              lab={lab.name}
              unfit={(l) => unfitFor(l.needs, lab, state)}
              progress={progress}
              titleOf={titleOf}
              lang={lang}
              onOpen={setOpen}
            />
          )}
        </>
      )}
    </section>
  )
}

function LessonList({
  lessons,
  lab,
  unfit,
  progress,
  titleOf,
  lang,
  onOpen,
}: {
  lessons: LessonSummary[]
  lab: string
  unfit: (l: LessonSummary) => Unfit[]
  progress: Record<string, LessonProgress>
  titleOf: (id: string | null) => string
  lang: Lang
  onOpen: (id: string) => void
}) {
  const t = useT()
  return (
    <ul id="lessons-list" className="lesson-list" aria-label={t('lessons.list')}>
      {lessons.map((l) => {
        const why = unfit(l)
        const p = progress[l.id]
        const id = `lesson-${l.id}`
        return (
          <li key={l.id} id={id} className="card lesson-card" data-fits={why.length === 0}>
            <h2 id={`${id}-title`}>{l.title[lang]}</h2>
            <p>{l.goal[lang]}</p>
            <p className="muted lesson-meta">
              {plural(lang, 'lessons.minutes', l.minutes)} · {plural(lang, 'lessons.tasks', l.tasks.length)}
              {p && (p.startedAt || passedCount(p) > 0) && (
                <>
                  {' · '}
                  <span id={`${id}-progress`}>
                    {plural(lang, 'lessons.progress', l.tasks.length, { done: passedCount(p) })}
                  </span>
                </>
              )}
            </p>
            <p className="muted">{needsText(l.needs, t)}</p>
            {l.after && <p className="muted">{t('lessons.after', { title: titleOf(l.after) })}</p>}
            {why.length > 0 && (
              <p id={`${id}-why`} className="banner warn">
                {t('lessons.why', { lab, why: unfitText(why, t) })}
              </p>
            )}
            <div className="form-actions">
              <button
                id={`${id}-open`}
                className={why.length === 0 ? 'primary' : undefined}
                aria-describedby={`${id}-title`}
                onClick={() => onOpen(l.id)}
              >
                {t('lessons.open')}
              </button>
            </div>
          </li>
        )
      })}
    </ul>
  )
}
