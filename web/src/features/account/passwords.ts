/** Password rules shared by register, change password and recovery. */

import { t } from "../../i18n";
export const MIN_PASSWORD_LENGTH = 10;

/** An error message for a new password and its confirmation, or undefined when acceptable. */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } {
  const errors: { password?: string; confirm?: string } = {};
  if (password.length < MIN_PASSWORD_LENGTH) {
    errors.password = t("account.use_at_least_min_password_length", { MIN_PASSWORD_LENGTH: MIN_PASSWORD_LENGTH });
  } else if (/^(.)\1+$/.test(password)) {
    errors.password = t("account.use_something_less_predictable_than_one");
  }
  if (confirm !== password) errors.confirm = t("account.the_two_passwords_differ");
  return errors;
}
