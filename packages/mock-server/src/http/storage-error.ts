/**
 * Why the storage stand-in refused a link, in the storage service's own words: 403 unless `status` says otherwise;
 * `argumentName` names the offending argument, as the storage service's `InvalidArgument` answers do.
 */
export type StorageRefusal = {
  code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'InvalidArgument';
  message: string;
  status?: 400 | 403 | undefined;
  argumentName?: string | undefined;
};

/** The storage service's XML error body. */
export function storageErrorXml(refusal: StorageRefusal): string {
  const argument = refusal.argumentName === undefined ? '' : `<ArgumentName>${refusal.argumentName}</ArgumentName>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message}</Message>${argument}</Error>`;
}

/**
 * The storage service's refusal, as the storage stand-in answers every one: its status (403 unless the refusal
 * says otherwise) with the XML error body.
 *
 * @example
 * return storageRefusal({ code: 'AccessDenied', message: 'Access Denied' });
 */
export function storageRefusal(refusal: StorageRefusal): Response {
  return new Response(storageErrorXml(refusal), {
    status: refusal.status ?? 403,
    headers: { 'Content-Type': 'application/xml' },
  });
}

/**
 * What the storage service answers a pre-signed request that also carries an `Authorization` header: the query's
 * signature is already one auth mechanism, and a second one is refused (400 `InvalidArgument`). S3 also echoes the
 * header in `<ArgumentValue>`; the stand-in leaves it out, so a token never lands in a body or a log.
 */
export const SECOND_AUTH_MECHANISM: StorageRefusal = {
  status: 400,
  code: 'InvalidArgument',
  message:
    'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
  argumentName: 'Authorization',
};
