// One area's catalog, English and Korean. The English keys are the catalog's keys; Korean must have exactly
// those (a missing or extra key fails the type check), so `t()` can be typed by the English catalogs alone.
export function catalog<K extends string>(area: {
  en: Record<K, string>
  ko: NoInfer<Record<K, string>>
}): { en: Record<K, string>; ko: Record<K, string> } {
  return area
}
