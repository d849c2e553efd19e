export const SERVICE = 'risk'
