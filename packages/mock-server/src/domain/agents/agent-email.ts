/** Letters that Unicode does not decompose into an ASCII letter and a mark, spelled as ASCII. */
const ASCII_SPELLINGS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** One name folded to ASCII: marks dropped, apostrophes dropped, every other run of non-alphanumerics a dot. */
function asciiPart(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøłđðþı]/g, (letter) => ASCII_SPELLINGS[letter] ?? '')
    .replace(/['’ʼ`]/g, '')
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

/** The most characters the part before `@` may have (RFC 5321). */
const MAX_LOCAL_PART = 64;

/**
 * The email address of an agent created without one: its names folded to ASCII and joined by dots, at
 * `example.com`. A name that leaves no ASCII letter or digit gives `agent-` and the start of the id. The result is
 * always a valid address (the spec's `format: email`): no empty part, no leading, trailing or doubled dot.
 *
 * @example
 * emailFromName('Zoë', "Ø'Brien", id); // 'zoe.obrien@example.com'
 * emailFromName('Ada', '', id); // 'ada@example.com'
 * emailFromName('李', '小龍', 'c0ffee00-…'); // 'agent-c0ffee00@example.com'
 */
export function emailFromName(firstName: string, lastName: string, id: string): string {
  const parts = [asciiPart(firstName), asciiPart(lastName)].filter((part) => part !== '');
  const local =
    parts.join('.').slice(0, MAX_LOCAL_PART).replace(/\.+$/, '') ||
    `agent-${id
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 8)
      .toLowerCase()}`;
  return `${local}@example.com`;
}
