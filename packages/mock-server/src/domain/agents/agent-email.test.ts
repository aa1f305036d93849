import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { emailFromName } from './agent-email.js';

const ID = 'c0ffee00-1111-4222-8333-444444444444';
/** The check behind the spec's `format: email`, as the validators compiled from it apply it. */
const EMAIL = fullFormats.email as RegExp;

describe('emailFromName', () => {
  it.each<[string, string, string]>([
    ['Ada', 'Lovelace', 'ada.lovelace@example.com'],
    ['Ada', '', 'ada@example.com'],
    ['', 'Lovelace', 'lovelace@example.com'],
    ['Émile', 'Zola', 'emile.zola@example.com'],
    ['Zoë', "Ø'Brien", 'zoe.obrien@example.com'],
    ['Jean-Luc', 'Picard', 'jean.luc.picard@example.com'],
    ['Mary Ann', '  Smith  ', 'mary.ann.smith@example.com'],
    ['Łukasz', 'Groß', 'lukasz.gross@example.com'],
    ['İlkay', 'Gündoğan', 'ilkay.gundogan@example.com'],
    ['李', '小龍', 'agent-c0ffee00@example.com'],
    ['…', '!!!', 'agent-c0ffee00@example.com'],
    ['Ａｄａ', 'ＬＯＶＥ', 'ada.love@example.com'],
  ])('%s %s → %s', (first, last, email) => {
    expect(emailFromName(first, last, ID)).toBe(email);
    expect(EMAIL.test(email)).toBe(true);
  });

  it('keeps the part before @ within 64 characters, without a trailing dot', () => {
    const email = emailFromName('a'.repeat(63), 'b'.repeat(100), ID);
    expect(email).toBe(`${'a'.repeat(63)}@example.com`);
    expect(EMAIL.test(email)).toBe(true);
  });

  it('always makes an address that the spec’s format accepts, whatever the name', () => {
    const samples = ['', ' ', '.', '..', 'a.', '.a', 'a..b', "O'", '–—', 'ß', 'ǅ', '\u0301', 'Ωμέγα', '🙂', 'x\u0000y'];
    for (const first of samples)
      for (const last of samples)
        expect(EMAIL.test(emailFromName(first || 'x', last, ID)), `${first}|${last}`).toBe(true);
  });
});
