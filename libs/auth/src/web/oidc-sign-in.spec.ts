import { describe, expect, it } from '@jest/globals';
import { personFromClaims } from './oidc-sign-in.js';

const CLAIMS = { sub: 'p1', email: 'ab123@cam.ac.uk', name: 'A. Person', groups: ['g1'] };

describe('personFromClaims', () => {
  it('keeps an address the provider says it verified', () => {
    expect(personFromClaims({ ...CLAIMS, email_verified: true }, 'groups')).toEqual({
      subject: 'p1',
      email: 'ab123@cam.ac.uk',
      name: 'A. Person',
      groups: ['g1'],
    });
  });

  it.each([
    ['false', false],
    ['the string "false"', 'false'],
    ['the string "true"', 'true'],
    ['null', null],
  ])('drops the address when email_verified is %s', (_name, emailVerified) => {
    const person = personFromClaims({ ...CLAIMS, email_verified: emailVerified }, 'groups');
    expect(person).toEqual({ subject: 'p1', name: 'A. Person', groups: ['g1'] });
  });

  it('drops the address when the token has no email_verified claim', () => {
    expect(personFromClaims(CLAIMS, 'groups')).not.toHaveProperty('email');
  });
});
