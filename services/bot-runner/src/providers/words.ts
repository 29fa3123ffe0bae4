// Content words of a text, for the offline bots to talk about.
const STOP = new Set(
  'the and for you your with this that have has are was were but not all any can our out get got one too just what when who why how about from into over very really'.split(
    ' ',
  ),
);

export function terms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 3 && !STOP.has(w)))];
}
