// An engine error as a page shows it: in the reader's language where the catalogs know its failure code,
// the engine's English otherwise; said again when the language changes (the error is kept, not its text).
import { useLang, useT } from '../i18n'
import { failureText, type ShownFailure } from './words'

export function FailureLine({ error }: { error: ShownFailure }) {
  const t = useT()
  const lang = useLang((s) => s.lang)
  return <>{failureText(error, lang, t).message}</>
}

/** A status line that holds either words of the page's own (already translated) or an engine error. */
export function StatusLine({ value }: { value: string | ShownFailure | null | undefined }) {
  if (!value) return null
  return typeof value === 'string' ? <>{value}</> : <FailureLine error={value} />
}
