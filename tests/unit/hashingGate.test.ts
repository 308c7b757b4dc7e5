import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationError } from '../../src/application/errors.js';
import { createHashingGate, DEFAULT_HASHING_LIMITS } from '../../src/infrastructure/auth/hashingGate.js';
import { configureHashing, hashSecret, verifySecret } from '../../src/infrastructure/auth/secretHash.js';

/** Counts work running at once; every count is taken inside the work, not from timing. */
function concurrencyProbe() {
  let running = 0;
  let peak = 0;
  return {
    observer: {
      started: () => {
        running += 1;
        peak = Math.max(peak, running);
      },
      finished: () => {
        running -= 1;
      },
    },
    get peak() {
      return peak;
    },
  };
}

function deferred() {
  let release: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the hashing gate', () => {
  afterEach(() => {
    configureHashing(DEFAULT_HASHING_LIMITS);
  });

  it('given 2 places and a queue of 3, when 10 hashes arrive at once, then 2 run, 3 wait and 5 are refused 503 SIGN_IN_BUSY', async () => {
    const probe = concurrencyProbe();
    const gate = createHashingGate({ concurrency: 2, queue: 3 }, probe.observer);
    const works = Array.from({ length: 10 }, deferred);
    let started = 0;
    const outcomes = works.map((work) =>
      gate.run(async () => {
        started += 1;
        await work.done;
        return 'hashed';
      }).then(
        (value) => value,
        (error: unknown) => error,
      ),
    );
    await flush();
    expect(started).toBe(2);
    for (const work of works) work.release();
    const results = await Promise.all(outcomes);
    expect(results.filter((result) => result === 'hashed')).toHaveLength(5);
    const refusals = results.filter((result) => result instanceof ApplicationError);
    expect(refusals).toHaveLength(5);
    expect(refusals[0]).toMatchObject({ kind: 'unavailable', code: 'SIGN_IN_BUSY' });
    expect(probe.peak).toBe(2);
  });

  it('hands a freed place to the next in line, never to a newcomer beside it', async () => {
    const probe = concurrencyProbe();
    const gate = createHashingGate({ concurrency: 1, queue: 5 }, probe.observer);
    const first = deferred();
    const running = gate.run(() => first.done);
    const queued = gate.run(() => Promise.resolve('queued'));
    first.release();
    await running;
    // The freed place belongs to the queued one: a newcomer now waits behind it.
    const newcomer = gate.run(() => Promise.resolve('newcomer'));
    expect(await Promise.all([queued, newcomer])).toEqual(['queued', 'newcomer']);
    expect(probe.peak).toBe(1);
  });

  it('a failing hash frees its place', async () => {
    const gate = createHashingGate({ concurrency: 1, queue: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(() => Promise.resolve(1))).toBe(1);
  });

  it('refuses limits that bound nothing', () => {
    expect(() => createHashingGate({ concurrency: 0, queue: 1 })).toThrow(RangeError);
    expect(() => createHashingGate({ concurrency: 1, queue: -1 })).toThrow(RangeError);
  });

  it('every scrypt of the process passes the configured gate: 8 parallel verifications run one at a time', async () => {
    const probe = concurrencyProbe();
    const hash = await hashSecret('correct horse battery staple');
    configureHashing({ concurrency: 1, queue: 16 }, probe.observer);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => verifySecret(i === 0 ? 'correct horse battery staple' : `guess ${i}`, hash)));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(probe.peak).toBe(1);
  });

  it('defaults to one derivation per two cores, at least one', () => {
    expect(DEFAULT_HASHING_LIMITS.concurrency).toBeGreaterThanOrEqual(1);
    expect(DEFAULT_HASHING_LIMITS.queue).toBeGreaterThan(0);
  });
});
