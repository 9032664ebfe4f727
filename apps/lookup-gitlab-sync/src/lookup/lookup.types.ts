import { z } from 'zod';

/**
 * The wire format of Lookup (the University of Cambridge directory, "Ibis") for
 * `GET <api>/person/list?crsids=a,b,c` with `Accept: application/json` (or `format=json`):
 *
 * ```json
 * { "result": { "people": [
 *     { "cancelled": false, "identifier": { "scheme": "crsid", "value": "spqr1" },
 *       "displayName": "S. Q. P. Roman", "registeredName": "S.Q.P. Roman", "surname": "Roman",
 *       "visibleName": "S. Q. P. Roman" } ] } }
 * ```
 *
 * People are returned in identifier order; identifiers Lookup does not know are simply absent;
 * cancelled people are included with `cancelled: true`. An error comes back as
 * `{ "result": { "error": { "status": 400, "code": "...", "message": "..." } } }`.
 * Only the fields the sync needs are kept.
 */
export const lookupIdentifierSchema = z.object({
  scheme: z.string(),
  value: z.string(),
});

export const lookupWirePersonSchema = z.object({
  cancelled: z.boolean(),
  identifier: lookupIdentifierSchema,
  displayName: z.string().nullish(),
  visibleName: z.string().nullish(),
});

export const lookupErrorSchema = z.object({
  status: z.number().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});

export const lookupPeopleResponseSchema = z.object({
  result: z.object({
    people: z.array(lookupWirePersonSchema).optional(),
    error: lookupErrorSchema.optional(),
  }),
});

/** What the sync needs to know about one person. */
export interface LookupPerson {
  crsid: string;
  cancelled: boolean;
  displayName?: string;
}

export type LookupAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string };
