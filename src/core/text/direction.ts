/**
 * The writing direction of a text by its dominant script: right-to-left when it has at least as
 * many Arabic-script letters as Latin ones. The first letter alone misleads: an Arabic sentence
 * that opens with "Slack" is still Arabic. Null when it has no letters of either.
 */
export function dominantDirection(text: string): 'rtl' | 'ltr' | null {
  const arabic = text.match(/\p{Script=Arabic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (arabic === 0 && latin === 0) return null;
  return arabic >= latin ? 'rtl' : 'ltr';
}
