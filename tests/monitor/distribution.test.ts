// The fast recorder counts into the same buckets as hdr-histogram-js, so its
// percentiles must equal those of an hdr histogram that recorded every value.
import hdr from 'hdr-histogram-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketLowValue, Distribution } from '../../src/monitor/Distribution.js';

describe('bucket layout', () => {
  it('every bucket index maps back to a low value in the same bucket, at every magnitude', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const index = bucketIndex(v);
        const low = bucketLowValue(index);
        expect(low).toBeLessThanOrEqual(v);
        expect(bucketIndex(low)).toBe(index);
        // The next bucket starts above v.
        expect(bucketLowValue(index + 1)).toBeGreaterThan(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('powers of two and their neighbours beyond 32 bits land in the right bucket', () => {
    for (let e = 30; e <= 52; e++) {
      for (const v of [2 ** e - 1, 2 ** e, 2 ** e + 1]) {
        const index = bucketIndex(v);
        expect(bucketLowValue(index)).toBeLessThanOrEqual(v);
        expect(bucketLowValue(index + 1)).toBeGreaterThan(v);
      }
    }
  });
});

describe('equivalence with hdr-histogram-js', () => {
  it('percentiles and stddev equal those of an hdr histogram fed every value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 10_000, noNaN: true }), fc.double({ min: 0, max: 5e9, noNaN: true })), { minLength: 1, maxLength: 300 }),
        (values) => {
          const ours = new Distribution(1000);
          const reference = hdr.build({ useWebAssembly: false, numberOfSignificantValueDigits: 3, bitBucketSize: 64 });
          for (const v of values) {
            ours.record(v);
            reference.recordValue(Math.round(v * 1000));
          }
          const min = Math.min(...values);
          const max = Math.max(...values);
          for (const p of [50, 90, 95, 99]) {
            const expected = Math.min(max, Math.max(min, reference.getValueAtPercentile(p) / 1000));
            expect(ours.percentile(p)).toBe(expected);
          }
          expect(ours.stats().stddev).toBeCloseTo(reference.stdDeviation / 1000, 6);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reset forgets every value; recording after a read updates the next read', () => {
    const d = new Distribution();
    d.record(5);
    expect(d.percentile(50)).toBe(5);
    d.record(7);
    d.record(7);
    expect(d.percentile(50)).toBe(7);
    d.reset();
    expect(d.stats().count).toBe(0);
    d.record(1);
    expect(d.stats()).toMatchObject({ count: 1, p99: 1, max: 1 });
  });
});
