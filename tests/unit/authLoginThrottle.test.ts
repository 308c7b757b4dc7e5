import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../src/infrastructure/auth/loginThrottle.js';

function clock() {
  let now = 1_700_000_000_000;
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

describe('login throttle', () => {
  const rules = { perAccount: { maxFailures: 3, windowSeconds: 60 }, perAddress: { maxFailures: 5, windowSeconds: 120 } };

  it('blocks an account after its failures until the window ends', () => {
    const time = clock();
    const throttle = createLoginThrottle(time, rules);
    const keys = { account: 'email:a@b.c', address: '1.1.1.1' };
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter(keys)).toBe(0);
      throttle.recordFailure(keys);
    }
    expect(throttle.retryAfter(keys)).toBe(60);
    time.advance(45);
    expect(throttle.retryAfter(keys)).toBe(15);
    time.advance(15);
    expect(throttle.retryAfter({ ...keys, address: '2.2.2.2' })).toBe(0);
  });

  it('blocks an address across accounts, and a success clears only the account', () => {
    const time = clock();
    const throttle = createLoginThrottle(time, rules);
    for (let i = 0; i < 5; i++) throttle.recordFailure({ account: `email:${i}@b.c`, address: '1.1.1.1' });
    expect(throttle.retryAfter({ account: 'email:new@b.c', address: '1.1.1.1' })).toBe(120);
    throttle.recordSuccess({ account: 'email:new@b.c', address: '1.1.1.1' });
    expect(throttle.retryAfter({ account: 'email:new@b.c', address: '1.1.1.1' })).toBe(120);
    expect(throttle.retryAfter({ account: 'email:new@b.c', address: '3.3.3.3' })).toBe(0);
  });

  it('a success resets the account count', () => {
    const throttle = createLoginThrottle(clock(), rules);
    const keys = { account: 'employee:e1', address: '1.1.1.1' };
    throttle.recordFailure(keys);
    throttle.recordFailure(keys);
    throttle.recordSuccess(keys);
    throttle.recordFailure(keys);
    expect(throttle.retryAfter(keys)).toBe(0);
  });
});
