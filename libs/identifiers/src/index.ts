export { crsid, CRSID_RULE, isCrsid, normaliseCrsid } from './crsid.util.js';
export { emailAddress, emailList, isEmailAddress, MAX_EMAIL_LENGTH } from './email.util.js';
export { isJobName, jobName, JOB_NAME_RULE } from './job-name.util.js';
export { isSpreadsheetId, spreadsheetId, SPREADSHEET_ID_RULE } from './spreadsheet-id.util.js';
export {
  codePointLabel,
  displayName,
  type ForbiddenCharacterOptions,
  forbiddenCharactersIn,
  hasVisibleCharacter,
  isForbiddenCharacter,
  plainText,
  type PlainTextSchemaOptions,
  plainTextProblem,
  withoutForbiddenCharacters,
} from './text.util.js';
