// A button that copies a text (a fix, a command) to the clipboard and says so for a moment; `label` names
// what it copies where several stand together (each command of a lesson task).
import { useEffect, useState } from 'react'
import { useT } from '../i18n'

const SHOWN_MS = 1500

export function CopyButton({ id, text, label }: { id: string; text: string; label?: string }) {
  const t = useT()
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), SHOWN_MS)
    return () => clearTimeout(timer)
  }, [copied])
  return (
    <button
      id={id}
      className="small"
      aria-label={label}
      onClick={() =>
        void navigator.clipboard
          ?.writeText(text)
          .then(() => setCopied(true))
          .catch(() => setCopied(false))
      }
    >
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  )
}
