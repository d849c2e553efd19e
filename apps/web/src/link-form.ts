import { z } from 'zod'

/** The link form's fields as the browser posts them (strings; a checkbox is present or absent). */
export const LinkFormBody = z.object({
  original_url: z.string().trim().default(''),
  short_code: z.string().trim().default(''),
  title: z.string().trim().default(''),
  redirect_type: z.enum(['', '301', '302', '307', '308']).catch('').default(''),
  forward_query: z.string().optional(),
  expires_at: z.string().trim().default(''),
  max_clicks: z.string().trim().default(''),
})
export type LinkFormValues = z.infer<typeof LinkFormBody>

/**
 * The form's values as an API body (issue 14's options). On create an empty field is left out; on edit it clears the
 * option (null). `expires_at` comes from a datetime-local field and is read as UTC, as the form says.
 * Returns a plain-words problem instead when a field cannot be sent as it is.
 */
export function toApiBody(v: LinkFormValues, mode: 'create' | 'edit'): { body: Record<string, unknown> } | { problem: string } {
  const body: Record<string, unknown> = { original_url: v.original_url }
  const unset = mode === 'edit' ? null : undefined
  if (mode === 'create' && v.short_code !== '') body.short_code = v.short_code
  body.title = v.title === '' ? null : v.title
  body.redirect_type = v.redirect_type === '' ? unset : Number(v.redirect_type)
  body.forward_query = v.forward_query !== undefined ? true : mode === 'edit' ? false : undefined
  if (v.expires_at === '') body.expires_at = unset
  else {
    const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v.expires_at) ? v.expires_at : `${v.expires_at}Z`)
    if (Number.isNaN(d.getTime())) return { problem: 'The expiry date is not a valid date and time.' }
    body.expires_at = d.toISOString()
  }
  if (v.max_clicks === '') body.max_clicks = unset
  else {
    const n = Number(v.max_clicks)
    if (!Number.isInteger(n) || n < 1) return { problem: 'The click limit must be a whole number of at least 1.' }
    body.max_clicks = n
  }
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k]
  return { body }
}

/** A URL object as form values, for the edit page. */
export function fromUrlObject(u: {
  original_url: string
  short_code: string
  title: string | null
  redirect_type?: number
  forward_query?: boolean
  expires_at?: string
  max_clicks?: number
}): LinkFormValues {
  return {
    original_url: u.original_url,
    short_code: u.short_code,
    title: u.title ?? '',
    redirect_type: (u.redirect_type ? String(u.redirect_type) : '') as LinkFormValues['redirect_type'],
    forward_query: u.forward_query ? 'on' : undefined,
    expires_at: u.expires_at ? u.expires_at.slice(0, 16) : '',
    max_clicks: u.max_clicks ? String(u.max_clicks) : '',
  }
}
