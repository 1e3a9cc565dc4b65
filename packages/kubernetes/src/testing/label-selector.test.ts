import { describe, expect, it } from 'vitest';
import { LabelSelectorError, parseLabelSelector } from './label-selector.js';

const labels = { app: 'web', tier: 'api', 'example.com/team': 'growth' };

describe('parseLabelSelector', () => {
  it.each<[string, boolean]>([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=worker', false],
    ['app!=worker', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['tier in (api, worker)', true],
    ['tier in (worker)', false],
    ['tier notin (worker)', true],
    ['tier notin (api,worker)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['example.com/team=growth', true],
    ['app=web,tier in (api,worker),!canary', true],
    ['app=web,tier=db', false],
  ])('%s → %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it.each(['app=web,(', 'tier in (a', 'app=we b', '=web', 'a b c'])('refuses %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
  });
});
