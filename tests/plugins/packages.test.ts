// The built-in plugins live in the workspace package @dataprism/plugins; the core's
// deprecated `/plugins` entry must keep handing out the very same bindings.
import { describe, expect, it } from 'vitest';
import * as plugins from '@dataprism/plugins';
import * as legacy from '@dataprism/orchestration/plugins';

describe('@dataprism/orchestration/plugins (deprecated)', () => {
  it('re-exports every binding of @dataprism/plugins, identical', () => {
    expect(Object.keys(legacy).sort()).toEqual(Object.keys(plugins).sort());
    expect(legacy.createVisualizationPlugin).toBe(plugins.createVisualizationPlugin);
    expect(legacy.createAnalyticsPlugin).toBe(plugins.createAnalyticsPlugin);
  });
});
