import { describe, expect, it } from 'vitest';
import type { BranchId, DeviceId } from '../../../../src/domain/shared/ids.js';
import {
  chars,
  command,
  harbour,
  harbourClosed,
  harbourOpened,
  mainStreet,
  now,
  operating,
  tenant,
  till1,
  till1Deactivated,
  till2,
  till2Registered,
  untyped,
} from './fixtures.js';

describe('RegisterDevice', () => {
  it('registers a till to an open branch, with its name trimmed', () => {
    const state = tenant
      .given(operating)
      .when(command('RegisterDevice', { deviceId: till2, branchId: mainStreet, name: ' Till 2 ' }))
      .then([till2Registered]);
    expect(state.status !== 'none' && state.tenant.devices.get(till2)).toEqual({
      id: till2,
      branchId: mainStreet,
      name: 'Till 2',
      status: 'active',
    });
  });

  it('is refused when a device has this id, even at another branch (DEVICE_ALREADY_EXISTS)', () => {
    tenant
      .given([...operating, harbourOpened])
      .when(command('RegisterDevice', { deviceId: till1, branchId: harbour, name: 'Till 1' }))
      .thenFails('DEVICE_ALREADY_EXISTS', 'conflict');
  });

  it('is refused when a deactivated device had this id (DEVICE_ALREADY_EXISTS)', () => {
    tenant
      .given([...operating, till1Deactivated])
      .when(command('RegisterDevice', { deviceId: till1, branchId: mainStreet, name: 'Till 1' }))
      .thenFails('DEVICE_ALREADY_EXISTS', 'conflict');
  });

  it('is refused for an unknown branch (BRANCH_NOT_FOUND)', () => {
    tenant
      .given(operating)
      .when(command('RegisterDevice', { deviceId: till2, branchId: 'nowhere' as BranchId, name: 'Till 2' }))
      .thenFails('BRANCH_NOT_FOUND', 'not_found');
  });

  it('is refused for a closed branch (BRANCH_CLOSED)', () => {
    tenant
      .given([...operating, harbourOpened, harbourClosed])
      .when(command('RegisterDevice', { deviceId: till2, branchId: harbour, name: 'Till 2' }))
      .thenFails('BRANCH_CLOSED', 'conflict');
  });

  it.each([
    ['an invalid device id', { deviceId: ' ', branchId: mainStreet, name: 'X' }, 'INVALID_ID'],
    ['an invalid branch id', { deviceId: till2, branchId: chars(129), name: 'X' }, 'INVALID_ID'],
    ['an empty name', { deviceId: till2, branchId: mainStreet, name: '' }, 'INVALID_NAME'],
    ['a name over 100 characters', { deviceId: till2, branchId: mainStreet, name: chars(101) }, 'INVALID_NAME'],
  ])('is refused with %s (%s)', (_case, data, code) => {
    tenant.given(operating).when(untyped('RegisterDevice', data)).thenFails(code, 'invalid');
  });
});

describe('RenameDevice', () => {
  it('renames an active device', () => {
    const state = tenant
      .given(operating)
      .when(command('RenameDevice', { deviceId: till1, name: 'Front till' }))
      .then([{ type: 'DeviceRenamed', data: { deviceId: till1, name: 'Front till' } }]);
    expect(state.status !== 'none' && state.tenant.devices.get(till1)?.name).toBe('Front till');
  });

  it('records nothing when the name is unchanged (idempotent)', () => {
    tenant.given(operating).when(command('RenameDevice', { deviceId: till1, name: 'Till 1' })).then([]);
  });

  it('is refused for an unknown device (DEVICE_NOT_FOUND)', () => {
    tenant
      .given(operating)
      .when(command('RenameDevice', { deviceId: 'till-9' as DeviceId, name: 'X' }))
      .thenFails('DEVICE_NOT_FOUND', 'not_found');
  });

  it('is refused for a deactivated device (DEVICE_DEACTIVATED)', () => {
    tenant
      .given([...operating, till1Deactivated])
      .when(command('RenameDevice', { deviceId: till1, name: 'Old till' }))
      .thenFails('DEVICE_DEACTIVATED', 'conflict');
  });

  it.each([
    ['an invalid id', { deviceId: '', name: 'X' }, 'INVALID_ID'],
    ['an empty name', { deviceId: till1, name: '\t' }, 'INVALID_NAME'],
  ])('is refused with %s (%s)', (_case, data, code) => {
    tenant.given(operating).when(untyped('RenameDevice', data)).thenFails(code, 'invalid');
  });
});

describe('DeactivateDevice', () => {
  it('deactivates a device, with the reason and the time its tokens stop working', () => {
    const state = tenant
      .given(operating)
      .when(command('DeactivateDevice', { deviceId: till1, reason: ' Stolen ' }))
      .then([{ type: 'DeviceDeactivated', data: { deviceId: till1, reason: 'Stolen', at: now } }]);
    expect(state.status !== 'none' && state.tenant.devices.get(till1)).toMatchObject({ status: 'deactivated', branchId: mainStreet });
  });

  it('is refused for an unknown device (DEVICE_NOT_FOUND)', () => {
    tenant
      .given(operating)
      .when(command('DeactivateDevice', { deviceId: till2, reason: 'Broken' }))
      .thenFails('DEVICE_NOT_FOUND', 'not_found');
  });

  it('is refused for a device already deactivated (DEVICE_DEACTIVATED)', () => {
    tenant
      .given([...operating, till1Deactivated])
      .when(command('DeactivateDevice', { deviceId: till1, reason: 'Stolen' }))
      .thenFails('DEVICE_DEACTIVATED', 'conflict');
  });

  it.each([
    ['an invalid id', { deviceId: 'till 1', reason: 'Broken' }, 'INVALID_ID'],
    ['an empty reason', { deviceId: till1, reason: '' }, 'INVALID_REASON'],
    ['a reason over 500 characters', { deviceId: till1, reason: chars(501) }, 'INVALID_REASON'],
  ])('is refused with %s (%s)', (_case, data, code) => {
    tenant.given(operating).when(untyped('DeactivateDevice', data)).thenFails(code, 'invalid');
  });
});
