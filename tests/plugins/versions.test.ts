// The memoized semver checks: the same answers as semver, also after the memo starts over.
import { describe, expect, test } from 'vitest';
import semver from 'semver';
import { isValidRange, isValidVersion, satisfiesRange } from '../../src/plugins/versions.js';

describe('versions', () => {
  test('satisfiesRange answers like semver, prereleases included', () => {
    expect(satisfiesRange('1.2.3', '^1.0.0')).toBe(true);
    expect(satisfiesRange('2.0.0', '^1.0.0')).toBe(false);
    expect(satisfiesRange('2.0.0-beta.1', '>=1.0.0')).toBe(true);
    expect(satisfiesRange('1.0.0', 'not a range')).toBe(false);
  });

  test('the same question asked again gets the same answer, also after thousands of others', () => {
    expect(satisfiesRange('1.5.0', '~1.4.0')).toBe(false);
    for (let i = 0; i < 10_000; i++) {
      const version = `1.${i}.0`;
      expect(satisfiesRange(version, '^1.0.0')).toBe(true);
      expect(satisfiesRange(version, `<1.${i}.0`)).toBe(semver.satisfies(version, `<1.${i}.0`));
    }
    expect(satisfiesRange('1.5.0', '~1.4.0')).toBe(false);
    expect(satisfiesRange('1.4.9', '~1.4.0')).toBe(true);
  });

  test('isValidVersion and isValidRange', () => {
    expect(isValidVersion('1.0.0')).toBe(true);
    expect(isValidVersion('1.0')).toBe(false);
    expect(isValidRange('^1.0.0 || 2.x')).toBe(true);
    expect(isValidRange('>>1')).toBe(false);
  });
});
