/** Why the storage stand-in refused a link, in the storage service's own words. */
export type StorageRefusal = { code: 'AccessDenied' | 'SignatureDoesNotMatch'; message: string };

/** The storage service's XML error body. */
export function storageErrorXml(refusal: StorageRefusal): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message}</Message></Error>`;
}

/**
 * The storage service's refusal, as the storage stand-in answers every one: 403 with the XML error body.
 *
 * @example
 * return storageRefusal({ code: 'AccessDenied', message: 'Access Denied' });
 */
export function storageRefusal(refusal: StorageRefusal): Response {
  return new Response(storageErrorXml(refusal), { status: 403, headers: { 'Content-Type': 'application/xml' } });
}
