import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isConnectionLost, isDatabaseUnavailable } from '../../src/infrastructure/postgres/unavailable.js';

const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('which database errors mean "unavailable, retry" (503) and which open the circuit', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED'), true, true],
    ['connection reset', withCode('ECONNRESET'), true, true],
    ['connect timed out', withCode('ETIMEDOUT'), true, true],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly'), true, true],
    ['pg-pool: connect timeout', new Error('timeout exceeded when trying to connect'), true, true],
    ['pg: read timeout', new Error('Query read timeout'), true, true],
    ['SQLSTATE 08006 connection failure', withCode('08006'), true, true],
    ['SQLSTATE 57P01 admin shutdown', withCode('57P01'), true, true],
    ['SQLSTATE 57P03 cannot connect now', withCode('57P03'), true, true],
    ['SQLSTATE 53300 too many connections', withCode('53300'), true, false],
    ['SQLSTATE 57014 statement timeout', withCode('57014'), true, false],
    ['SQLSTATE 25P03 idle in transaction timeout', withCode('25P03'), true, false],
    ['our own refusal', new DatabaseUnavailableError('down'), true, true],
    ['wrapped in a cause', new Error('outer', { cause: withCode('ECONNREFUSED') }), true, true],
    ['both addresses refused', Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), {}), true, true],
    ['SQLSTATE 23505 unique violation', withCode('23505'), false, false],
    ['SQLSTATE 42P01 undefined table', withCode('42P01'), false, false],
    ['a plain bug', new TypeError('x is undefined'), false, false],
    ['an application code', withCode('NOT_FOUND'), false, false],
  ])('%s: unavailable %s, connection lost %s', (_name, error, unavailable, lost) => {
    expect(isDatabaseUnavailable(error)).toBe(unavailable);
    expect(isConnectionLost(error)).toBe(lost);
  });
});
