export { EnvSchema, type Env, type FeatureFlags } from './env.js'
export { loadConfig, ConfigError, type Config, type Configured } from './load-config.js'
