import type { AccountDirectory, AccountRecord } from './accountDirectory.js';

/**
 * Why `account` may not hold a session (on `deviceId` for a PIN session), or undefined when it
 * may. Sign-in, refresh and every authenticated request apply the same rules.
 */
export async function sessionRefusal(
  accounts: Pick<AccountDirectory, 'isDeviceDeactivated'>,
  account: AccountRecord,
  deviceId: string | null,
): Promise<string | undefined> {
  if (account.status !== 'active') return `account ${account.status}`;
  if (account.email === null) return 'account forgotten';
  if (deviceId === null) return undefined;
  if (account.tenantId === null || !account.deviceIds.some((bound) => bound === deviceId)) return 'device not bound to the account';
  if (await accounts.isDeviceDeactivated(account.tenantId, deviceId)) return 'device deactivated';
  return undefined;
}
