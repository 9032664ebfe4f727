/** Who is asking: the signed-in person's address (lower case) and whether they administer the service. */
export interface Person {
  email: string;
  admin: boolean;
}

/** The name the audit trail records for an action of the app itself (a task or the renewals job). */
export const SYSTEM_ACTOR = 'storage-gateway';
export const APP_NAME = 'storage-gateway';
