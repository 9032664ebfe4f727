const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `text` is an id as the database makes them (a lower-case UUID): anything else is no such thing. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
