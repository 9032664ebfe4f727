import { describe, expect, it } from '@jest/globals';
import { objectNameProblem } from './object-name.util.js';

describe('objectNameProblem', () => {
  it.each([
    'purchase-orders/order-1/0f3a.pdf',
    'a',
    'reports/2026/01/charges.csv',
    'names with spaces/and ünïcode.txt',
    '..hidden/x',
    'x../y',
    'x.tmp-y',
    'a/b.tmp-',
    'tmp-a/.tmp',
  ])('accepts %j', (name) => {
    expect(objectNameProblem(name)).toBeNull();
  });

  it.each([
    ['', 'is empty'],
    ['../etc/passwd', 'contains a ".." segment'],
    ['purchase-orders/../../secrets', 'contains a ".." segment'],
    ['a/..', 'contains a ".." segment'],
    ['/etc/passwd', 'is an absolute path (starts with "/")'],
    ['C:/Windows/x', 'starts with a drive letter'],
    ['a\\..\\b', 'contains "\\"'],
    ['a/./b', 'contains a "." segment'],
    ['.tmp-1234', 'contains a segment starting with ".tmp-" (kept for temporary files)'],
    ['a/.tmp-x/b', 'contains a segment starting with ".tmp-" (kept for temporary files)'],
    ['a//b', 'contains an empty segment ("//" or a trailing "/")'],
    ['a/', 'contains an empty segment ("//" or a trailing "/")'],
    ['a\nb', 'contains a control character'],
    ['a\u0000b', 'contains a control character'],
    ['x'.repeat(1025), 'is longer than 1024 bytes'],
    ['é'.repeat(513), 'is longer than 1024 bytes'],
  ])('refuses %j: %s', (name, problem) => {
    expect(objectNameProblem(name)).toBe(problem);
  });
});
