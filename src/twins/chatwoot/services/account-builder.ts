import type { TwinDeps } from '../twin-context.ts';
import type { Account, User } from '../twin-state.ts';
import { HttpProblem, ValidationErrors } from '../http/http-problem.ts';

/** Devise's email regexp (`/\A[^@\s]+@[^@\s]+\z/`). */
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;
/** devise-secure_password's special characters (config/initializers/secure_password.rb). */
const SPECIAL_CHARACTERS = /[!@#$%^&*()_+\-=[\]{}|']/;

export function isValidEmail(email: string): boolean {
  return EMAIL_PATTERN.test(email);
}

/**
 * Password rules of chatwoot-3.7-3.9.md §6: 6–128 characters with at least one upper-case letter,
 * lower-case letter, digit and special character. The exact texts of devise-secure_password are
 * Unverified; the length texts are Devise's.
 */
export function passwordErrors(password: string, errors: ValidationErrors): void {
  if (password === '') {
    errors.add('password', "Password can't be blank");
    return;
  }
  if (password.length < 6) errors.add('password', 'Password is too short (minimum is 6 characters)');
  if (password.length > 128) errors.add('password', 'Password is too long (maximum is 128 characters)');
  if (!/[A-Z]/.test(password)) errors.add('password', 'Password must contain at least 1 uppercase letter.');
  if (!/[a-z]/.test(password)) errors.add('password', 'Password must contain at least 1 lowercase letter.');
  if (!/[0-9]/.test(password)) errors.add('password', 'Password must contain at least 1 number.');
  if (!SPECIAL_CHARACTERS.test(password)) errors.add('password', 'Password must contain at least 1 special character.');
}

export interface AccountBuildInput {
  accountName: string;
  userFullName: string;
  email: string;
  password: string;
  /** I18n.locale at creation time (§2.4): the request locale. */
  locale: string;
  superAdmin: boolean;
  confirmed: boolean;
}

/**
 * AccountBuilder: email checks raise CustomExceptions (422 `{"message"}`), model validations raise
 * RecordInvalid (422 `{"message","attributes"}`); nothing is stored unless everything is valid.
 */
export function buildAccount(deps: TwinDeps, input: AccountBuildInput): { user: User; account: Account } {
  const email = input.email.trim().toLowerCase();
  if (!isValidEmail(email)) throw new HttpProblem(422, { message: 'You have entered an invalid email' });
  if (deps.state.userByEmail(email)) {
    throw new HttpProblem(422, { message: `You have already signed up for an account with ${email}` });
  }
  const accountErrors = new ValidationErrors();
  if (input.accountName.trim() === '') accountErrors.add('name', "Name can't be blank");
  accountErrors.throwIfAny();
  const userErrors = new ValidationErrors();
  if (input.userFullName.trim() === '') userErrors.add('name', "Name can't be blank");
  passwordErrors(input.password, userErrors);
  userErrors.throwIfAny();

  const now = deps.now();
  const account: Account = {
    id: deps.state.nextId('account'),
    name: input.accountName.trim(),
    locale: input.locale,
    status: 'active',
    createdAt: now,
    nextDisplayId: 1,
  };
  const user: User = {
    id: deps.state.nextId('user'),
    name: input.userFullName.trim(),
    displayName: null,
    email,
    password: input.password,
    type: input.superAdmin ? 'SuperAdmin' : null,
    confirmed: input.confirmed,
    accessToken: deps.random.token(),
    pubsubToken: deps.random.token(),
    availability: 'online',
    createdAt: now,
  };
  deps.state.accounts.set(account.id, account);
  deps.state.users.set(user.id, user);
  deps.state.accountUsers.push({ accountId: account.id, userId: user.id, role: 'administrator', createdAt: now });
  return { user, account };
}
