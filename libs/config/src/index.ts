export { loadConfig, ConfigError, booleanFromEnv, listFromEnv } from './load-config.js';
export { baseSchema, checkBaseRules, type BaseConfig } from './base.schema.js';
