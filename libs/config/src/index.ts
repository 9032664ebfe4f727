export { loadConfig, ConfigError, booleanFromEnv, listFromEnv, optionalUrl } from './load-config.js';
export { baseSchema, checkBaseRules, type BaseConfig } from './base.schema.js';
