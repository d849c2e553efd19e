export function freshBundle(options?: { cache?: string }): string | undefined
export function buildBundle(options?: { entry?: string; cache?: string }): Promise<string>
