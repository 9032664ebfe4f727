/**
 * Why a spreadsheet could not be read. Some reasons are the College's to fix (its sheet is missing or
 * not shared); the others are ours (Google down or throttling us, our network, our credentials), and
 * emailing a College about those would only alarm it, 31 times over when Google has an outage.
 */
export type UnreadableKind =
  /** The College's spreadsheet id is not a spreadsheet id. */
  | 'invalid_id'
  /** No such spreadsheet (HTTP 404, or no file locally). */
  | 'not_found'
  /** The spreadsheet is not shared with the service account (HTTP 403 "caller does not have permission"). */
  | 'no_access'
  /** The file is not a workbook (local files only). */
  | 'not_a_spreadsheet'
  /** Google Sheets kept answering 429 after the retries. */
  | 'rate_limited'
  /** Google Sheets kept failing with 5xx after the retries. */
  | 'unavailable'
  /** Google Sheets could not be reached. */
  | 'network'
  | 'timeout'
  /** Our credentials: not loadable, no access token, refused (401), API disabled in our project. */
  | 'credentials'
  /** Any other refusal or an answer we could not use: a fault on our side until shown otherwise. */
  | 'unexpected';

/** Who has to act on an unreadable sheet: the College (it gets an email) or us (the run is a fault). */
export function whoMustAct(kind: UnreadableKind): 'college' | 'us' {
  switch (kind) {
    case 'invalid_id':
    case 'not_found':
    case 'no_access':
    case 'not_a_spreadsheet':
      return 'college';
    case 'rate_limited':
    case 'unavailable':
    case 'network':
    case 'timeout':
    case 'credentials':
    case 'unexpected':
      return 'us';
  }
}

// A 403 that names our project, API or key is about the caller, not about the spreadsheet.
const ABOUT_THE_CALLER = /has not been used in project|is disabled|api key|billing|scope/i;

/**
 * The kind of an HTTP refusal from the Sheets API after retries. `googleReason` is the ErrorInfo
 * reason of Google's error body (SERVICE_DISABLED, ACCESS_TOKEN_SCOPE_INSUFFICIENT...): Google only
 * sets one for problems of the calling project, so a 403 with one is ours, not a sheet left unshared.
 */
export function kindOfHttpFailure(status: number, googleReason?: string, message = ''): UnreadableKind {
  if (status === 404) return 'not_found';
  if (status === 403)
    return googleReason === undefined && !ABOUT_THE_CALLER.test(message) ? 'no_access' : 'credentials';
  if (status === 401) return 'credentials';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'unexpected';
}
