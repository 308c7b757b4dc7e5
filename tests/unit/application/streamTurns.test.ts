import { describe, expect, it } from 'vitest';
import { inStreamTurn } from '../../../src/application/streamTurns.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('commands on one stream take turns', () => {
  it('runs one stream’s work one at a time, in arrival order', async () => {
    const store = {};
    const log: string[] = [];
    let running = 0;
    const work = (name: string) => async (): Promise<string> => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((name) => inStreamTurn(store, 'order-1', work(name))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a failed turn passes the turn on, and its error reaches only its caller', async () => {
    const store = {};
    const first = inStreamTurn(store, 's', async () => {
      await tick();
      throw new Error('refused');
    });
    const second = inStreamTurn(store, 's', () => Promise.resolve('ran'));
    await expect(first).rejects.toThrow('refused');
    await expect(second).resolves.toBe('ran');
  });

  it('other streams and other stores never wait', async () => {
    const store = {};
    let release: () => void = () => undefined;
    const held = inStreamTurn(store, 's', () => new Promise<string>((resolve) => {
      release = () => {
        resolve('held');
      };
    }));
    await expect(inStreamTurn(store, 'other', () => Promise.resolve('free'))).resolves.toBe('free');
    await expect(inStreamTurn({}, 's', () => Promise.resolve('other store'))).resolves.toBe('other store');
    release();
    await expect(held).resolves.toBe('held');
  });
});
