// Text clean-up before a reply is checked: whatever the model wrote, invisible and direction-
// changing characters are removed (they hide links and mentions from people and from checks),
// and the text is NFC-normalised as Bluesky clients expect.

// Zero-width and joiner-less invisibles, bidi embeddings/overrides/isolates, BOM, soft hyphen,
// tag characters, variation selectors beyond emoji presentation, and C0/C1 controls but newline.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: lone joiners and selectors are matched one by one, on purpose
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\u{E0000}-\u{E007F}]|[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/gu;

export function sanitize(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A folded copy used only for detection: compatibility forms (fullwidth ＠, ｅｘａｍｐｌｅ．ｃｏｍ,
 * mathematical letters) and common dot substitutes become ASCII, so a link or handle written to
 * look like one to a person is caught even when Bluesky's detector would not link it.
 */
export function foldForDetection(text: string): string {
  return (
    text
      // Joiners are kept in the posted text (emoji sequences need them) but must not split a link.
      .replace(/\u200D/g, '')
      .normalize('NFKC')
      .replace(/[\u3002\uFF0E\uFF61\u2024\u2219\u00B7]/g, '.')
      .replace(/\s*[[(]\s*(?:dot|\.)\s*[\])]\s*/gi, '.')
      .replace(/[\uFE6B\uFF20]/g, '@')
  );
}
