// Types of scripts/check-alerts.mjs, for its spec.
export declare const repositoryRoot: string;
export declare const ABSENCE_SLACK_MINUTES: number;
export declare function cronPeriodMinutes(expression: string): number;
export declare function expectedAbsenceAlerts(manifest: {
  apps: { name: string; jobs?: { name: string; schedule: string; alertAfterMinutes?: number }[] }[];
}): Record<string, number>;
export interface TerraformJob {
  app: string;
  job: string;
  schedule: string;
  period_minutes: number | null;
  absence_minutes: number | null;
}
export declare function terraformJobs(root?: string, terraform?: string): Record<string, TerraformJob>;
export declare function checkAlertWiring(root?: string): string[];
export declare function compareAbsenceAlerts(
  expected: Record<string, number>,
  terraform: Record<string, Pick<TerraformJob, 'absence_minutes'>>,
): string[];
export declare function checkAlerts(root?: string): string[];
