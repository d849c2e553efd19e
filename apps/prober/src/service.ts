export const SERVICE = 'prober'
