import { describe, expect, it } from 'vitest';
import { storageErrorXml } from './storage-error.js';

describe('storageErrorXml', () => {
  it('writes the S3-style error body', () => {
    expect(storageErrorXml({ code: 'AccessDenied', message: 'Request has expired' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
    );
  });
});
