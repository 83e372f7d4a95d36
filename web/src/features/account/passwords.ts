/** Password rules shared by register, change password and recovery. */

export const MIN_PASSWORD_LENGTH = 10;

/** An error message for a new password and its confirmation, or undefined when acceptable. */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } {
  const errors: { password?: string; confirm?: string } = {};
  if (password.length < MIN_PASSWORD_LENGTH) {
    errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.`;
  } else if (/^(.)\1+$/.test(password)) {
    errors.password = "Use something less predictable than one repeated character.";
  }
  if (confirm !== password) errors.confirm = "The two passwords differ.";
  return errors;
}
