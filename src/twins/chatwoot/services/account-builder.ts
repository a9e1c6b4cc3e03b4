import type { TwinDeps } from '../twin-context.ts';
import type { Account, User } from '../twin-state.ts';
import { HttpProblem, ValidationErrors } from '../http/http-problem.ts';
import { stringColumnErrors } from './column-length.ts';

/** Devise's email regexp (`/\A[^@\s]+@[^@\s]+\z/`). */
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;

export function isValidEmail(email: string): boolean {
  return EMAIL_PATTERN.test(email);
}

/** devise-secure_password's character classes (lib/support/string/character_counter.rb), in its order. */
const CHARACTER_CLASSES = [
  { type: 'uppercase', test: (c: string) => c >= 'A' && c <= 'Z', dictionary: '(A..Z)' },
  { type: 'lowercase', test: (c: string) => c >= 'a' && c <= 'z', dictionary: '(a..z)' },
  { type: 'number', test: (c: string) => c >= '0' && c <= '9', dictionary: '(0..9)' },
  { type: 'special', test: (c: string) => SPECIAL.includes(c), dictionary: '( !@#$%^&*()_+-=[]{}|"/\\.,`<>:;?~\')' },
] as const;
const SPECIAL = ' !@#$%^&*()_+-=[]{}|"/\\.,`<>:;?~\'';
const PASSWORD_LENGTH = { min: 6, max: 128 };

const characters = (count: number) => (count === 1 ? 'character' : 'characters');

/**
 * devise-secure_password's content rules as Chatwoot configures them (one upper-case, lower-case,
 * digit and special character; Devise length 6–128). The texts are the gem's (measured on 3.8.0,
 * note the two spaces before the dictionary). It replaces every other password error.
 */
function passwordContentErrors(password: string): string[] {
  const chars = [...password];
  const errors: string[] = [];
  if (chars.length < PASSWORD_LENGTH.min) errors.push(`must contain at least ${PASSWORD_LENGTH.min} ${characters(PASSWORD_LENGTH.min)}`);
  else if (chars.length > PASSWORD_LENGTH.max) errors.push(`must contain less than ${PASSWORD_LENGTH.max} ${characters(PASSWORD_LENGTH.max)}`);
  for (const klass of CHARACTER_CLASSES) {
    if (!chars.some(klass.test)) errors.push(`must contain at least 1 ${klass.type} character  ${klass.dictionary}`);
  }
  const unknown = chars.filter((c) => !CHARACTER_CLASSES.some((klass) => klass.test(c)));
  if (unknown.length > 0) errors.push(`contains ${unknown.length} invalid ${characters(unknown.length)} (${[...new Set(unknown)].join('')})`);
  return errors;
}

/**
 * The user's password errors: the content rules for `password` (blank counts as ''), and again for
 * `password_confirmation` when one was given, plus a mismatch (PasswordHasRequiredContent).
 */
export function passwordErrors(password: string | undefined, confirmation: string | undefined, errors: ValidationErrors): void {
  for (const message of passwordContentErrors(password ?? '')) errors.add('password', `Password ${message}`);
  if (confirmation === undefined) return;
  for (const message of passwordContentErrors(confirmation)) errors.add('password_confirmation', `Password confirmation ${message}`);
  if (confirmation !== (password ?? '')) errors.add('password_confirmation', "Password confirmation doesn't match Password");
}

export interface AccountBuildInput {
  accountName: string | undefined;
  userFullName: string | undefined;
  email: string | undefined;
  password: string | undefined;
  /** I18n.locale at creation time (§2.4): the request locale. */
  locale: string;
  superAdmin: boolean;
  confirmed: boolean;
}

/** CustomExceptions::Account::* (lib/custom_exceptions/account.rb): `http_status` 403, body `{"message"}`. */
export function accountException(message: string): HttpProblem {
  return new HttpProblem(403, { message });
}

/**
 * AccountBuilder#perform (app/builders/account_builder.rb): the email must be valid and not yet
 * registered as typed (`User.exists?(email:)` is case-sensitive: 403s), then the account and the
 * user are validated as records (422 `{"message","attributes"}`; the user's email is downcased first,
 * so another case of a known email is "Email has already been taken"). Names may be blank. Nothing
 * is stored unless everything is valid (one transaction).
 */
export function buildAccount(deps: TwinDeps, input: AccountBuildInput): { user: User; account: Account } {
  const typedEmail = input.email ?? '';
  if (!isValidEmail(typedEmail)) throw accountException('You have entered an invalid email');
  if ([...deps.state.users.values()].some((user) => user.email === typedEmail)) {
    throw accountException(`You have already signed up for an account with ${typedEmail}`);
  }
  const accountName = input.accountName ?? '';
  const accountErrors = new ValidationErrors();
  stringColumnErrors(accountErrors, [['name', 'Name', accountName]]);
  accountErrors.throwIfAny();

  const email = typedEmail.trim().toLowerCase();
  const userName = input.userFullName ?? '';
  const userErrors = new ValidationErrors();
  stringColumnErrors(userErrors, [
    ['name', 'Name', userName],
    ['email', 'Email', email],
  ]);
  if (deps.state.userByEmail(email)) userErrors.add('email', 'Email has already been taken');
  passwordErrors(input.password, input.password, userErrors);
  userErrors.throwIfAny();

  const now = deps.now();
  const account: Account = {
    id: deps.state.nextId('account'),
    name: accountName,
    locale: input.locale,
    status: 'active',
    createdAt: now,
    nextDisplayId: 1,
    autoResolveDuration: null,
    domain: null,
    supportEmail: null,
    customAttributes: {},
  };
  const user: User = {
    id: deps.state.nextId('user'),
    name: userName,
    displayName: null,
    email,
    password: input.password ?? '',
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
