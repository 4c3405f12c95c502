/**
 * The semver checks of the plugin runtime, memoized. Registering and
 * initializing N plugins asks the same few questions over and over (is
 * `1.0.0` in `^1.0.0`?), and each uncached answer parses a version and
 * walks a range: with thousands of plugins that was a visible share of a
 * lifecycle. The answers are pure, so they are kept in small bounded maps.
 *
 * It imports the three semver functions it uses, not the package's entry (which
 * loads every function and class): a third less in a browser bundle.
 */
import satisfies from 'semver/functions/satisfies.js';
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';

/** Entries each memo keeps before it starts over; plenty for any real set of plugins. */
const MEMO_LIMIT = 4096;

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined && !answers.has(key)) {
      answer = compute(key);
      if (answers.size >= MEMO_LIMIT) answers.clear();
      answers.set(key, answer);
    }
    return answer as T;
  };
}

// A NUL byte cannot occur in a valid range, so it separates range and version safely.
const satisfiesMemo = memo((key) => {
  const cut = key.indexOf('\0');
  return satisfies(key.slice(cut + 1), key.slice(0, cut), { includePrerelease: true });
});
const validVersionMemo = memo((version) => valid(version) !== null);
const validRangeMemo = memo((range) => validRange(range) !== null);

/** Whether `version` is in `range`; prereleases count (`2.0.0-beta` satisfies `>=1.0.0`). */
export function satisfiesRange(version: string, range: string): boolean {
  return satisfiesMemo(`${range}\0${version}`);
}

/** Whether `version` is a valid semver version such as `1.2.3`. */
export function isValidVersion(version: string): boolean {
  return validVersionMemo(version);
}

/** Whether `range` is a valid semver range such as `^1.2.0`. */
export function isValidRange(range: string): boolean {
  return validRangeMemo(range);
}
