import { isCrsid } from '@app/identifiers';

/** `<group>-admin-<crsid>`: the separate admin account some groups give a member. */
const GROUP_ADMIN = /^[a-z0-9][a-z0-9._-]*-admin-([a-z0-9]+)$/;

const CAM_DOMAIN = '@cam.ac.uk';

/** An identity's `extern_uid` as a CRSid: trimmed, lower-cased, `@cam.ac.uk` removed; null if not one. */
export function crsidFromExternUid(externUid: string): string | null {
  let value = externUid.trim().toLowerCase();
  if (value.endsWith(CAM_DOMAIN)) value = value.slice(0, -CAM_DOMAIN.length);
  return isCrsid(value) ? value : null;
}

/**
 * The CRSid a username stands for: the username itself when it is a CRSid, else the CRSid of a
 * `<group>-admin-<crsid>` username. Usernames are matched as they are (CRSids are lower case).
 */
export function crsidFromUsername(username: string): string | null {
  if (isCrsid(username)) return username;
  const admin = GROUP_ADMIN.exec(username)?.[1];
  return admin !== undefined && isCrsid(admin) ? admin : null;
}
