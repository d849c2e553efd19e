export { EnvSchema, type Env, type FeatureFlags } from './env.js'
export { loadConfig, ConfigError, type Config } from './load-config.js'
