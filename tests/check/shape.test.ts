// defineRecoveryStrategy and the checker say what a machine lacks to be a
// recovery strategy, instead of accepting it or skipping it silently.
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { checkStrategy } from '../../src/check/index.js';
import { defineRecoveryStrategy, strategyShapeIssues } from '../../src/errors/recovery/index.js';

const finals = { recovered: { type: 'final' as const }, escalated: { type: 'final' as const } };

describe('the static strategy shape', () => {
  it('defineRecoveryStrategy refuses a machine that never handles SHUTDOWN, saying what to add', () => {
    const machine = setup({}).createMachine({ id: 'deaf', initial: 'a', states: { a: { after: { 10: 'recovered' } }, ...finals } });
    expect(() => defineRecoveryStrategy({ name: 'deaf', machine })).toThrow(/no state handles SHUTDOWN: every non-final state must go to 'escalated'/);
  });

  it('a machine of the shape has no issues', () => {
    const machine = setup({}).createMachine({ id: 'ok', initial: 'a', on: { SHUTDOWN: '.escalated' }, states: { a: { after: { 10: 'recovered' } }, ...finals } });
    expect(strategyShapeIssues(machine)).toEqual([]);
  });

  it('checkStrategy names what is missing from a { name, machine } that is not a strategy', () => {
    const lifecycle = setup({}).createMachine({ id: 'life', initial: 'a', states: { a: {}, done: { type: 'final' } } });
    expect(() => checkStrategy({ name: 'life', machine: lifecycle })).toThrow(/not a recovery strategy: states\.recovered: a top-level final state named 'recovered' is required/);
    expect(() => checkStrategy({ name: '', machine: lifecycle } as never)).toThrow(/`name` must be a non-empty string/);
    expect(() => checkStrategy({ name: 'x', machine: {} } as never)).toThrow(/`machine` must be an XState machine/);
    expect(() => checkStrategy(null as never)).toThrow(/expected an object \{ name, machine \}, got null/);
  });
});
