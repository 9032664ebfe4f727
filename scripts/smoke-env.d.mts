// Types of scripts/smoke-env.mjs, for its spec.
export declare function smokeEnv(app: string, databaseUrl: string): Record<string, string>;
