import { describe } from 'vitest';
import { SIZES } from '../../../../processors/kong_metrics/sections/sizes.js';
import { plainEntry } from '../entries.js';
import { goldenCases } from './section_golden.js';

/** Request and response sizes, by route and consumer. */
describe('kong_metrics section: sizes', () => {
  goldenCases(SIZES, new URL('sizes.golden.json', import.meta.url), [
    {
      name: 'numbers, legacy numeric strings, missing and negative sizes',
      entries: [
        plainEntry(),
        plainEntry({ consumer: { username: 'bob' }, request: { method: 'GET', size: '2048' }, response: { status: 200, size: '150000' } }),
        plainEntry({ request: { method: 'GET' }, response: { status: 204, size: -1 } }),
      ],
    },
  ]);
});
