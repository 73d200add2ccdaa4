/** The command line read one way: options per command, "did you mean", and dates that exist. */
import { describe, expect, it } from 'vitest';
import { dayProblem } from '../../src/briefing/time.js';
import { parseCommandLine } from '../../src/cli/options.js';
import { SanadError } from '../../src/core/errors.js';
import { closestName } from '../../src/core/text/closest.js';

function usageError(argv: string[]): SanadError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(SanadError);
    expect((error as SanadError).code).toBe('usage');
    return error as SanadError;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('dates: one check, never an exception', () => {
  it.each([
    ['2026-13-01', 'there is no month 13'],
    ['2026-00-10', 'there is no month 0'],
    ['2026-12-32', 'December 2026 has 31 days'],
    ['2026-12-00', 'there is no day 0'],
    ['2026-02-30', 'February 2026 has 28 days'],
    ['2026-02-29', 'February 2026 has 28 days'],
    ['2026-2-3', 'not written YYYY-MM-DD'],
    ['tomorrow', 'not written YYYY-MM-DD'],
  ])('%s is not a day: %s', (value, problem) => {
    expect(dayProblem(value)).toBe(problem);
  });

  it.each(['2026-12-31', '2028-02-29', '2000-02-29', '2026-01-01'])('%s is a day', (value) => {
    expect(dayProblem(value)).toBeNull();
  });

  it('gives --date the same reason, as a usage error naming the option', () => {
    for (const day of ['2026-13-01', '2026-12-32', '2026-00-10', '2026-12-00', '2026-02-30']) {
      const error = usageError(['briefing', '--channel', 'C', '--date', day]);
      expect(error.message).toBe(`--date must be a real day as YYYY-MM-DD (got "${day}": ${dayProblem(day)}).`);
    }
    expect(parseCommandLine(['briefing', '--channel', 'C', '--date', '2026-12-31']).values.date).toBe('2026-12-31');
  });
});

describe('options', () => {
  it('names an unknown option and suggests the closest one the command takes', () => {
    const error = usageError(['ask', '--jsn', 'x']);
    expect(error.message).toBe('unknown option --jsn for sanad ask (did you mean --json?).');
    expect(error.hint).toContain('--json, --jsonl');
    expect(usageError(['briefing', '--chanel', 'C']).message).toContain('(did you mean --channel?)');
    expect(usageError(['ask', '--knowlege', 'k', 'q']).message).toContain('(did you mean --knowledge?)');
    // Nothing close: no guess.
    expect(usageError(['ask', '--frobnicate']).message).toBe('unknown option --frobnicate for sanad ask.');
  });

  it("says which command an option belongs to when it is another command's", () => {
    const error = usageError(['ask', '--channel', 'C', 'q']);
    expect(error.message).toBe('--channel is not an option for sanad ask; it belongs to sanad briefing.');
  });

  it('says when a value is missing or not wanted', () => {
    expect(usageError(['briefing', '--channel']).message).toBe('--channel needs a value.');
    expect(usageError(['briefing', '--channel', '--json']).message).toBe('--channel needs a value, but is followed by --json.');
    expect(usageError(['ask', '--json=yes', 'q']).message).toBe('--json takes no value (got "yes").');
    expect(usageError(['eval', 'qa.json', '--limit', 'ten']).message).toContain('--limit must be a whole number above 0');
  });

  it('suggests the closest command', () => {
    expect(usageError(['aks', 'q']).message).toBe('unknown command "aks" (did you mean "ask"?).');
    expect(usageError(['frobnicate']).message).toBe('unknown command "frobnicate".');
  });

  it('reads a valid command line', () => {
    expect(parseCommandLine(['--knowledge', 'k', 'ask', '--json', 'من', 'هو؟'])).toEqual({
      command: 'ask',
      positionals: ['من', 'هو؟'],
      values: { knowledge: 'k', json: true },
    });
    expect(parseCommandLine(['ask', '--', '--jsn'])).toEqual({ command: 'ask', positionals: ['--jsn'], values: {} });
    expect(parseCommandLine([])).toEqual({ command: null, positionals: [], values: {} });
  });

  it('uses the same edit distance as the config file keys', () => {
    expect(closestName('jsn', ['json', 'jsonl', 'knowledge'])).toBe('json');
    expect(closestName('colections', ['collections', 'language'])).toBe('collections');
    expect(closestName('zzz', ['json'])).toBeNull();
  });
});
