/** What a password or PIN must be; checked before hashing and by the login schemas. */
export const PASSWORD_MIN_LENGTH = 12;
/** Longer passwords only cost hashing time; nobody types more. */
export const PASSWORD_MAX_LENGTH = 256;
export const PIN_PATTERN = /^\d{4,8}$/;

export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `a password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `a password has at most ${PASSWORD_MAX_LENGTH} characters`;
  return undefined;
}

export function pinProblem(pin: string): string | undefined {
  return PIN_PATTERN.test(pin) ? undefined : 'a PIN is 4 to 8 digits';
}
