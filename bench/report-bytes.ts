/**
 * Downloads every sub-report of a COMPLETED report in-process, each zip to its last byte, and answers how many
 * bytes they held: what a consumer's download costs the sandbox.
 */
export async function downloadReportBytes(
  mock: { app: { request(path: string): Response | Promise<Response> } },
  links: readonly { link: { href: string } }[],
): Promise<number> {
  let bytes = 0;
  for (const part of links) {
    const response = await mock.app.request(part.link.href);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
  }
  return bytes;
}
