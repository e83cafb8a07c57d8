// Long work (building a lab, deleting one) as a job: named steps, progress, cancel, and an error that says
// what to do. Jobs are kept on disk, so one still running when the app closed shows as interrupted.
import { z } from 'zod'
import { FailureCode, FailureParams } from './failures'

/** How many log lines a job keeps: the newest ones. */
export const JOB_LOG_LINES = 200

export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'skipped'])
export const JobState = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted'])
export type JobState = z.infer<typeof JobState>

export const JobStep = z.object({
  id: z.string(),
  title: z.string(),
  state: StepState,
  /** What is happening inside the step right now (a virt-builder phase, a node name). */
  detail: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})
export type JobStep = z.infer<typeof JobStep>

export const Job = z.object({
  id: z.string(),
  kind: z.enum([
    'lab.create',
    'lab.resume',
    'lab.delete',
    'lab.addNode',
    'lab.install',
    'lab.retry',
    'lesson.start',
    'lesson.solve',
    'lesson.reset',
  ]),
  title: z.string(),
  lab: z.string(),
  state: JobState,
  steps: z.array(JobStep),
  /** 0..1: finished steps, plus a share of the running one where known. */
  progress: z.number().min(0).max(1),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The English message and fix; `code` and `params` (an engine failure's) let the UI translate them. */
  error: z
    .object({
      message: z.string(),
      fix: z.string().optional(),
      code: FailureCode.optional(),
      params: FailureParams.optional(),
    })
    .nullable(),
  /** The engine process running the job (the app, `stacklab serve` or a `stacklab lab ...` command). */
  pid: z.number().int().nullable().default(null),
  /** The last JOB_LOG_LINES lines of what happened (steps started and finished, their details, the end). */
  log: z.array(z.string()).max(JOB_LOG_LINES).default([]),
})
export type Job = z.infer<typeof Job>
