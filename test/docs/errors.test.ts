import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { readPage, tableKeys } from './pages.js';

describe('docs/errors.md', () => {
  it('documents every error code, and documents no code that does not exist', () => {
    expect(new Set(tableKeys(readPage('docs/errors.md')))).toEqual(new Set(Object.keys(ERROR_CODES)));
  });
});
