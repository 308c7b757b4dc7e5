import { describe } from 'vitest';
import { postgresServerUrl } from '../support/services.js';
import { eventStoreContract } from './eventStore.contract.js';
import { serverFixture } from './postgresFixtures.js';

const serverUrl = postgresServerUrl();

describe.runIf(serverUrl)('real PostgreSQL server', () => {
  eventStoreContract('postgres adapter on a PostgreSQL server', () => serverFixture(serverUrl ?? ''));
});
