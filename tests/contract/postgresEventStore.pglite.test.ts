import { eventStoreContract } from './eventStore.contract.js';
import { pgliteFixture } from './postgresFixtures.js';

eventStoreContract('postgres adapter on PGlite (embedded)', pgliteFixture);
