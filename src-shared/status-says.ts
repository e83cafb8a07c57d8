// What a lab's OpenStack status says is wrong, in English and Korean, by a stable code with parameters:
// the engine writes each problem's English message from here and sends the code and parameters with it,
// and the renderer says it in the learner's language from the same table.
import { z } from 'zod'
import { fillPlaceholders } from './text'

export const StatusProblemCode = z.enum(['vm-state', 'unreachable', 'api-failed', 'degraded'])
export type StatusProblemCode = z.infer<typeof StatusProblemCode>

const en: Record<StatusProblemCode, string> = {
  'vm-state': '{node}: the VM is {state}',
  unreachable: '{node}: does not answer SSH ({detail})',
  'api-failed': 'openstack {kind} list failed: {detail}',
  degraded: '{node}: running, but {down}',
}

const ko: Record<StatusProblemCode, string> = {
  'vm-state': '{node}: VM 상태가 {state}입니다',
  unreachable: '{node}: SSH에 응답하지 않습니다({detail})',
  'api-failed': 'openstack {kind} list 실패: {detail}',
  degraded: '{node}: 실행 중이지만 정상이 아닌 서비스가 있습니다: {down}',
}

/** The sentences, by language: the renderer's catalogs take them in as the `status.problem.*` keys. */
export const STATUS_SAYS: { en: Record<StatusProblemCode, string>; ko: Record<StatusProblemCode, string> } = {
  en,
  ko,
}

export const StatusProblem = z.object({
  code: StatusProblemCode,
  /** What fills the sentence: node names, libvirt states, guest output (masked). */
  params: z.record(z.string(), z.string().max(4096)),
  /** The English sentence (what the CLI prints). */
  message: z.string(),
})
export type StatusProblem = z.infer<typeof StatusProblem>

export function statusProblem(code: StatusProblemCode, params: Record<string, string>): StatusProblem {
  return { code, params, message: fillPlaceholders(en[code], params) }
}
