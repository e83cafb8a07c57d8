// Calls on labs: define, create, resume, grow and delete them (long work as jobs), OpenStack on them (the
// answer file, the packstack run, its log, the status), the jobs themselves, and packstack knowledge (pure
// reading and editing of packstack's output and answer files; nothing runs).
import { labStatus } from '../install/status'
import { labPower } from '../lab/power'
import { checkAnswers } from '../packstack/check'
import { readAnswerText, updateAnswerText } from '../packstack/answers'
import { explainInTurns } from '../packstack/parse'
import type { CallContext, CallsOf, Handlers } from './context'

type LabCalls = Pick<Handlers, CallsOf<`lab${string}` | `job${string}` | `packstack.${string}`>>

export function labHandlers(ctx: CallContext): LabCalls {
  return {
    'lab.validate': ({ definition }) => ctx.labs.validate(definition),
    'lab.create': ({ definition }) => ctx.labs.create(definition),
    'lab.resume': ({ name }) => ctx.labs.resume(name),
    'lab.addNode': ({ name, node, join }) => ctx.labs.addNode(name, node, { join }),
    'lab.delete': ({ name }) => ctx.labs.delete(name),
    'lab.power': async ({ name, action, timeoutMs }) => {
      const state = await ctx.labs.get(name)
      ctx.labs.busy(name, state)
      return labPower(await ctx.virsh(), state, action, timeoutMs)
    },
    'labs.list': () => ctx.labs.list(),
    'lab.get': ({ name }) => ctx.labs.get(name),
    'lab.answers': ({ name }) => ctx.install.answers(name),
    'lab.installFiles': ({ name }) => ctx.install.installFiles(name),
    'lab.answers.save': async ({ name, text }) => {
      await ctx.install.saveAnswers(name, text)
      return {}
    },
    'lab.install': ({ name, retry }) => ctx.install.install(name, { retry }),
    'lab.installLog': ({ name }) => ctx.install.log(name),
    'lab.status': async ({ name }) => {
      const report = await labStatus(await ctx.labEnv(), await ctx.labs.get(name))
      // Every window shows the same health (the topology of one, the Install page of another).
      ctx.bus.emit('lab.status', report)
      return report
    },

    'jobs.list': () => ctx.jobs.list(),
    'job.cancel': ({ id }) => Promise.resolve({ cancelled: ctx.jobs.cancel(id) }),

    'packstack.explain': ({ text }) => explainInTurns(text),
    'packstack.answers.read': ({ text }) => Promise.resolve(readAnswerText(text)),
    'packstack.answers.update': ({ text, fields }) =>
      Promise.resolve({ text: updateAnswerText(text, fields) }),
    'packstack.answers.check': async ({ text, lab, interfaces, kvm }) => {
      const state = await ctx.labs.get(lab)
      const problems = checkAnswers(
        readAnswerText(text).fields,
        { definition: state.definition, state },
        { interfaces, kvm },
      )
      return { ok: !problems.some((p) => p.severity === 'error'), problems }
    },
  }
}
