// Lessons: the seeds' exercises as data (resources/lessons/<id>/lesson.yaml), guided beside a console and
// checked on the learner's own lab. A lesson is text in English and Korean as equals, ordered tasks, and for
// each task the commands a learner types, a check Stacklab runs over SSH on named nodes (conditions on the
// command's output, typically `openstack ... -f json`), hints revealed one at a time, and a solution Stacklab
// can run ("do it for me"). Lesson files ship with Stacklab: their commands run on the lab's guests, never
// on the host, and no API input carries a command (calls name a lesson and a task by id).
import { z } from 'zod'
import { NAME_PATTERN, ResourceName } from './names'
import { hasControl } from './text'

export const LANGS = ['en', 'ko'] as const
export type Lang = (typeof LANGS)[number]

/** Prose in both languages; neither may be missing (Korean is the seeds' language, English the app's). */
export const Text = z
  .object({
    en: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
    ko: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
  })
  .strict()
export type Text = z.infer<typeof Text>

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/
const idSchema = () =>
  z
    .string()
    .regex(
      ID_PATTERN,
      'must be 1-48 characters: lower-case letters, digits and -, starting with a letter or digit',
    )
export const LessonId = idSchema()
const TaskId = idSchema()

/** A command run on a guest: one shell line (Stacklab's own files only), bounded, no control characters. */
const GuestCommand = z
  .string()
  .min(1, 'must not be empty')
  .max(2000, 'must be at most 2000 characters')
  .refine((s) => !hasControl(s), 'must be one line without control characters')

/** A node of the lab: its name, or a role (the first node with that role). */
const NodeRef = z.string().regex(NAME_PATTERN, 'must be a node name or a role')

const Scalar = z.union([z.string().max(500), z.number(), z.boolean()])

/** A dotted path into JSON output: `status`, `addresses`, `properties.os_type`. Empty: the whole output. */
const JsonPath = z
  .string()
  .max(200)
  .regex(/^([A-Za-z0-9_: -]+(\.[A-Za-z0-9_: -]+)*)?$/, 'must be field names joined by dots')

const safeRegex = (s: string) => {
  try {
    new RegExp(s)
    return true
  } catch {
    return false
  }
}

/**
 * One condition on a check command's result, and what is missing in plain words when it does not hold.
 * Exactly one test per condition:
 * - `equals` / `atLeast` / `matches`: the value at `path` of the JSON output (or the whole output as text
 *   for `matches` without a path);
 * - `some` / `none`: the JSON output is a list; some item / no item has all these fields (values compared as
 *   text, case-insensitively);
 * - `count`: the JSON output is a list of at least this many items;
 * - `contains`: the output (text) contains this.
 */
export const Condition = z
  .object({
    path: JsonPath.optional(),
    equals: Scalar.optional(),
    atLeast: z.number().optional(),
    matches: z.string().max(500).refine(safeRegex, 'must be a valid regular expression').optional(),
    some: z.record(z.string().max(100), Scalar).optional(),
    none: z.record(z.string().max(100), Scalar).optional(),
    count: z.number().int().min(0).optional(),
    contains: z.string().min(1).max(500).optional(),
    missing: Text,
  })
  .strict()
  .refine(
    (c) =>
      ['equals', 'atLeast', 'matches', 'some', 'none', 'count', 'contains'].filter(
        (k) => c[k as keyof typeof c] !== undefined,
      ).length === 1,
    'must have exactly one of equals, atLeast, matches, some, none, count, contains',
  )
export type Condition = z.infer<typeof Condition>

/** A test on a check's output that says it is still changing: the value at `path` (or the text) matches. */
export const WaitWhile = z
  .object({
    path: JsonPath.optional(),
    matches: z.string().min(1).max(500).refine(safeRegex, 'must be a valid regular expression'),
  })
  .strict()
export type WaitWhile = z.infer<typeof WaitWhile>

/** A command run on a node whose output the conditions judge. */
export const Check = z
  .object({
    node: NodeRef.default('controller'),
    /** Run with the lab's admin credentials loaded (admin-openrc or keystonerc_admin, whichever the lab has). */
    admin: z.boolean().default(true),
    run: GuestCommand,
    /** A command that fails is "not yet" with its error (`openstack ... show` of a thing not made). */
    expect: z.array(Condition).min(1).max(20),
    /**
     * Try again for up to this long while it does not hold (an instance on its way to ACTIVE). Only while the
     * command succeeds (a thing not made is not waited for) and, with `waitWhile`, only while that holds.
     */
    waitSeconds: z.number().int().min(0).max(900).default(0),
    /** The output says the thing is on its way (`status` matching `^BUILD$`): worth waiting for. */
    waitWhile: WaitWhile.optional(),
  })
  .strict()
export type Check = z.infer<typeof Check>

/** Commands Stacklab runs for the learner (the solution, or what a negative check breaks and mends). */
export const Step = z
  .object({
    node: NodeRef.default('controller'),
    admin: z.boolean().default(true),
    run: z.array(GuestCommand).min(1).max(40),
  })
  .strict()
export type Step = z.infer<typeof Step>

/** "Take this away and the check must fail": proves the learner's work is what makes the check pass. */
export const NegativeCheck = z
  .object({
    title: Text,
    /** What Stacklab breaks (for example, deletes the ICMP rule). */
    break: z.array(Step).min(1).max(5),
    /** Must NOT hold after the break. */
    check: Check,
    /** What Stacklab puts back; the task's own check must hold again afterwards. */
    mend: z.array(Step).min(1).max(5),
  })
  .strict()
export type NegativeCheck = z.infer<typeof NegativeCheck>

export const Task = z
  .object({
    id: TaskId,
    title: Text,
    explain: Text,
    /** What a learner types, shown copyable (in order). */
    commands: z.array(GuestCommand).max(20).default([]),
    check: z.array(Check).min(1).max(10),
    hints: z.array(Text).max(6).default([]),
    solve: z.array(Step).min(1).max(10),
    negative: z.array(NegativeCheck).max(3).default([]),
  })
  .strict()
export type Task = z.infer<typeof Task>

export const Lesson = z
  .object({
    id: LessonId,
    title: Text,
    goal: Text,
    /** About how long a learner takes, in minutes. */
    minutes: z.number().int().min(1).max(240),
    needs: z
      .object({
        /** Install methods whose labs the lesson works on. */
        installers: z.array(z.enum(['packstack', 'packages'])).min(1),
        /** OpenStack must be installed (every stage done / packstack succeeded). */
        openstack: z.boolean().default(true),
        /** Roles the lab must have nodes of. */
        roles: z.array(z.enum(['controller', 'compute', 'network', 'storage'])).default(['controller']),
        /**
         * Nodes the lesson names (its checks run there), added by the learner before it starts: a compute node
         * added with "join it to OpenStack" unchecked, for the lesson that joins it by hand.
         */
        nodes: z
          .array(
            z
              .object({
                name: z.string().regex(NAME_PATTERN, 'must be a node name'),
                role: z.enum(['compute']),
              })
              .strict(),
          )
          .max(4)
          .default([]),
      })
      .strict(),
    /** The lesson whose end state this one starts from: starting runs its solutions first. */
    after: LessonId.optional(),
    tasks: z.array(Task).min(1).max(30),
  })
  .strict()
  .superRefine((l, ctx) => {
    const seen = new Set<string>()
    l.tasks.forEach((t, i) => {
      if (seen.has(t.id))
        ctx.addIssue({ code: 'custom', path: ['tasks', i, 'id'], message: `"${t.id}" twice` })
      seen.add(t.id)
    })
    if (l.after === l.id)
      ctx.addIssue({ code: 'custom', path: ['after'], message: 'a lesson cannot follow itself' })
  })
export type Lesson = z.infer<typeof Lesson>
export type LessonInput = z.input<typeof Lesson>

/** What the Lessons page lists: everything but the tasks' commands, checks and solutions. */
export const LessonSummary = z.object({
  id: z.string(),
  title: Text,
  goal: Text,
  minutes: z.number(),
  needs: Lesson.shape.needs,
  after: z.string().nullable(),
  tasks: z.array(z.object({ id: z.string(), title: Text })),
})
export type LessonSummary = z.infer<typeof LessonSummary>

// Results.

/** One condition's verdict: what holds, or what is missing in the lesson's words, with what was seen. */
export const Finding = z.object({
  ok: z.boolean(),
  says: Text,
  /** What was seen (the value, the command's error line), for the learner who wants to know why. */
  seen: z.string(),
})
export type Finding = z.infer<typeof Finding>

/**
 * A task's check: `passed`; `not-yet` (a condition does not hold, or the command failed as it does for a thing
 * not made); `could-not-check` (the node does not answer, OpenStack's credentials are missing: not the
 * learner's doing).
 */
export const TaskVerdict = z.enum(['passed', 'not-yet', 'could-not-check'])
export type TaskVerdict = z.infer<typeof TaskVerdict>

export const TaskResult = z.object({
  task: z.string(),
  verdict: TaskVerdict,
  findings: z.array(Finding),
  /** For could-not-check: why, in English (the engine's own words). */
  problem: z.string().nullable(),
})
export type TaskResult = z.infer<typeof TaskResult>

export const CheckReport = z.object({
  lab: z.string(),
  lesson: z.string(),
  checkedAt: z.string(),
  results: z.array(TaskResult),
})
export type CheckReport = z.infer<typeof CheckReport>

/** Per lab and lesson, kept across restarts (the lab's lessons.json). */
export const TaskProgress = z.object({
  verdict: TaskVerdict.nullable(),
  checkedAt: z.string().nullable(),
  hintsShown: z.number().int().min(0),
  /** Stacklab ran the solution ("do it for me"). */
  solvedByStacklab: z.boolean(),
})
export type TaskProgress = z.infer<typeof TaskProgress>

export const LessonProgress = z.object({
  lab: z.string(),
  lesson: z.string(),
  startedAt: z.string().nullable(),
  /** The lab checkpoint "reset this lesson" restores (taken when the lesson started). */
  checkpoint: z.string().nullable(),
  tasks: z.record(z.string(), TaskProgress),
})
export type LessonProgress = z.infer<typeof LessonProgress>

/** The checkpoint a lesson's start takes: a ResourceName (lesson ids are). */
export const lessonCheckpoint = (lesson: string): string => `lesson-${lesson}`

// Inputs of the calls.
export const LessonRefInput = z.object({ id: LessonId }).strict()
export const LabLessonInput = z.object({ lab: ResourceName, lesson: LessonId }).strict()
export const LabTaskInput = z.object({ lab: ResourceName, lesson: LessonId, task: TaskId }).strict()
export const LessonCheckInput = z
  .object({ lab: ResourceName, lesson: LessonId, task: TaskId.optional() })
  .strict()
