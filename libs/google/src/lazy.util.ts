/**
 * A value made on first use and kept: Google's client libraries (tens of MB of protobuf and gRPC) are
 * imported when an app first talks to Google, not when it boots. A failed load is forgotten, so the
 * next call tries again.
 */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
