export { loadConfig, ConfigError, booleanFromEnv, listFromEnv } from './load-config.js';
export { baseSchema, checkBaseRules, type BaseConfig } from './base.schema.js';
export { AppConfigModule } from './config.module.js';
