/**
 * The one way the sandbox's packages name a field in a message: a JSON pointer, as AJV's `instancePath` gives it,
 * written as the field path Freshchat's error messages use (`agent_status.id`, `states[0].name`).
 */

/**
 * The field at a JSON pointer, written as a path: object keys joined with `.`, array indices in brackets; `~1` and
 * `~0` unescaped. The root (`''`) is `''`: callers name it in their own words (`body`, `seed`). With `property`, the
 * path names that property of the field instead (AJV reports a missing or extra property on its parent object).
 *
 * @example
 * fieldPath('/statuses/0/name'); // 'statuses[0].name'
 * fieldPath('/agent_status', 'id'); // 'agent_status.id'
 * fieldPath('', 'start'); // 'start'
 */
export function fieldPath(pointer: string, property?: string): string {
  const path = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce(
      (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment),
      '',
    );
  if (property === undefined) return path;
  return path ? `${path}.${property}` : property;
}
