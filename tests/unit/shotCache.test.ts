import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShotCache } from '../../src/main/capture/shotCache.js';

test('a shot cache keeps the newest few, hands back what it lets go, and gives each value once', () => {
  const cache = new ShotCache<number>(2);
  assert.deepEqual(cache.put('a', 1), []);
  assert.deepEqual(cache.put('b', 2), []);
  assert.deepEqual(cache.put('a', 3), [['a', 1]], 'a shot held again lets its earlier value go and becomes the newest');
  assert.deepEqual(cache.put('c', 4), [['b', 2]], 'the oldest beyond the size goes');
  assert.equal(cache.take('a'), 3);
  assert.equal(cache.take('a'), undefined, 'taken once');
  assert.equal(cache.take('b'), undefined);
  assert.equal(cache.take('c'), 4);
});
