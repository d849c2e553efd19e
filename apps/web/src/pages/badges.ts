import { html } from '../html.js'
import { linkState } from '../links-model.js'

const STATE_LABEL: Record<string, string> = { active: 'Active', inactive: 'Inactive', quarantined: 'Quarantined', expired: 'Expired' }

export const stateBadge = (l: { is_active: boolean; quarantined?: boolean; expires_at?: string | null }) => {
  const s = linkState(l)
  return html`<span class="badge state-${s}">${STATE_LABEL[s]}</span>`
}

export const tierBadge = (tier: string | null | undefined) =>
  tier ? html`<span class="badge tier-${tier.toLowerCase()}">${tier}</span>` : html`<span class="muted">not scored</span>`
