export * from './errors.js'
export * from './body.js'
export { contractPlugin, contractFrameworkErrors, addMethodNotAllowed, trackRoutes, type ContractPluginOptions } from './contract-plugin.js'
export { hasLoneSurrogate, hasDeceptiveChars, checkJson, type JsonCheck } from './text.js'
