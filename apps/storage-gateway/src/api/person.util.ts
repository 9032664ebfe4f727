import { ADMIN_ROLE, type WebUser } from '@app/auth';
import { UnauthorizedException } from '@nestjs/common';
import type { Person } from '../domain/person.js';

/** The signed-in person as the domain knows them; a caller without an email (a service) is not a person. */
export function personOf(user: WebUser): Person {
  if (user.email === undefined)
    throw new UnauthorizedException('Sign in as a person: this caller has no email address');
  return { email: user.email.toLowerCase(), admin: user.roles.includes(ADMIN_ROLE) };
}
