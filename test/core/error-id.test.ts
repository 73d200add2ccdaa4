import { expect, it } from 'vitest';
import { newErrorId } from '../../src/core/reply.js';

it('error ids are six capitals or digits, and a thousand of them do not repeat', () => {
  const ids = Array.from({ length: 1000 }, newErrorId);
  for (const id of ids) expect(id).toMatch(/^[A-Z0-9]{6}$/);
  expect(new Set(ids).size).toBe(ids.length);
});
