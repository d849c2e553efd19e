export const SERVICE = 'redirect'
