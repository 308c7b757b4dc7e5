import { describe, expect, it } from 'vitest';
import type { BranchId } from '../../../../src/domain/shared/ids.js';
import {
  chars,
  command,
  harbour,
  harbourClosed,
  harbourOpened,
  mainStreet,
  operating,
  registered,
  tenant,
  till1,
  till1Deactivated,
  till2,
  till2Registered,
  untyped,
} from './fixtures.js';

describe('OpenBranch', () => {
  it('opens a branch, with its name trimmed', () => {
    const state = tenant
      .given(operating)
      .when(command('OpenBranch', { branchId: harbour, name: ' Harbour ' }))
      .then([harbourOpened]);
    expect(state.status !== 'none' && state.tenant.branches.get(harbour)).toEqual({ id: harbour, name: 'Harbour', status: 'open' });
  });

  it('opens one while the tenant is still being set up (registered)', () => {
    tenant.given([registered]).when(command('OpenBranch', { branchId: harbour, name: 'Harbour' })).then([harbourOpened]);
  });

  it('is refused when a branch has this id (BRANCH_ALREADY_EXISTS)', () => {
    tenant
      .given(operating)
      .when(command('OpenBranch', { branchId: mainStreet, name: 'Main Street' }))
      .thenFails('BRANCH_ALREADY_EXISTS', 'conflict');
  });

  it('is refused when a closed branch had this id (BRANCH_ALREADY_EXISTS)', () => {
    tenant
      .given([...operating, harbourOpened, harbourClosed])
      .when(command('OpenBranch', { branchId: harbour, name: 'Harbour again' }))
      .thenFails('BRANCH_ALREADY_EXISTS', 'conflict');
  });

  it.each([
    ['an invalid id', { branchId: 'branch/1', name: 'X' }, 'INVALID_ID'],
    ['an empty name', { branchId: 'b', name: '' }, 'INVALID_NAME'],
    ['a name over 100 characters', { branchId: 'b', name: chars(101) }, 'INVALID_NAME'],
    ['a name on two lines', { branchId: 'b', name: 'Main\nStreet' }, 'INVALID_NAME'],
  ])('is refused with %s (%s)', (_case, data, code) => {
    tenant.given(operating).when(untyped('OpenBranch', data)).thenFails(code, 'invalid');
  });

  it('accepts a name of 100 characters, counted as characters not UTF-16 units', () => {
    const name = chars(100, '🛒');
    tenant
      .given(operating)
      .when(command('OpenBranch', { branchId: harbour, name }))
      .then([{ type: 'BranchOpened', data: { branchId: harbour, name } }]);
  });
});

describe('RenameBranch', () => {
  it('renames an open branch', () => {
    const state = tenant
      .given(operating)
      .when(command('RenameBranch', { branchId: mainStreet, name: 'High Street' }))
      .then([{ type: 'BranchRenamed', data: { branchId: mainStreet, name: 'High Street' } }]);
    expect(state.status !== 'none' && state.tenant.branches.get(mainStreet)?.name).toBe('High Street');
  });

  it('records nothing when the name is unchanged (idempotent)', () => {
    tenant.given(operating).when(command('RenameBranch', { branchId: mainStreet, name: 'Main Street' })).then([]);
  });

  it('is refused for an unknown branch (BRANCH_NOT_FOUND)', () => {
    tenant
      .given(operating)
      .when(command('RenameBranch', { branchId: 'nowhere' as BranchId, name: 'X' }))
      .thenFails('BRANCH_NOT_FOUND', 'not_found');
  });

  it('is refused for a closed branch (BRANCH_CLOSED)', () => {
    tenant
      .given([...operating, harbourOpened, harbourClosed])
      .when(command('RenameBranch', { branchId: harbour, name: 'Old Harbour' }))
      .thenFails('BRANCH_CLOSED', 'conflict');
  });

  it.each([
    ['an invalid id', { branchId: '', name: 'X' }, 'INVALID_ID'],
    ['an empty name', { branchId: mainStreet, name: ' ' }, 'INVALID_NAME'],
  ])('is refused with %s (%s)', (_case, data, code) => {
    tenant.given(operating).when(untyped('RenameBranch', data)).thenFails(code, 'invalid');
  });
});

describe('CloseBranch', () => {
  it('closes a branch without devices', () => {
    const state = tenant.given([...operating, harbourOpened]).when(command('CloseBranch', { branchId: harbour })).then([harbourClosed]);
    expect(state.status !== 'none' && state.tenant.branches.get(harbour)?.status).toBe('closed');
  });

  it('closes a branch whose devices are all deactivated', () => {
    tenant
      .given([...operating, till1Deactivated])
      .when(command('CloseBranch', { branchId: mainStreet }))
      .then([{ type: 'BranchClosed', data: { branchId: mainStreet } }]);
  });

  it('is refused while the branch has active devices, naming them (BRANCH_HAS_ACTIVE_DEVICES)', () => {
    const error = tenant
      .given([...operating, harbourOpened, till2Registered])
      .when(command('CloseBranch', { branchId: mainStreet }))
      .thenFails('BRANCH_HAS_ACTIVE_DEVICES', 'conflict');
    expect(error.details).toEqual({ branchId: mainStreet, deviceIds: [till1, till2] });
  });

  it('is refused for an unknown branch (BRANCH_NOT_FOUND)', () => {
    tenant.given(operating).when(command('CloseBranch', { branchId: harbour })).thenFails('BRANCH_NOT_FOUND', 'not_found');
  });

  it('is refused for a branch already closed (BRANCH_CLOSED)', () => {
    tenant
      .given([...operating, harbourOpened, harbourClosed])
      .when(command('CloseBranch', { branchId: harbour }))
      .thenFails('BRANCH_CLOSED', 'conflict');
  });

  it('is refused with an invalid id (INVALID_ID)', () => {
    tenant.given(operating).when(untyped('CloseBranch', { branchId: null })).thenFails('INVALID_ID', 'invalid');
  });
});
