import { describe, expect, it } from '@jest/globals';
import type { CufsProject } from '../cufs/cufs.types.js';
import { checkGrantSyntax, grantFindings } from './grant-code.util.js';

const VALID = 'ZZAG001/RG12345/1/other costs';

describe('grant syntax', () => {
  it.each([
    ['already normal', VALID],
    ['lower case and spaces around parts', ' zzag001 / rg12345 / 1 / Other  Costs '],
    ['upper-case expenditure type', 'ZZAG001/RG12345/1/OTHER COSTS'],
  ])('%s: %s reads as the normal form', (_name, code) => {
    const result = checkGrantSyntax(code);
    expect(result).toMatchObject({ kind: 'grant', normalised: VALID, problems: [] });
    expect(result.parts.map((part) => [part.name, part.value])).toEqual([
      ['project', 'ZZAG001'],
      ['award', 'RG12345'],
      ['task', '1'],
      ['expenditure-type', 'other costs'],
    ]);
  });

  it.each([
    [
      'project',
      'ZZ/RG12345/1/other costs',
      'the project number must be letters and digits, such as ZZAG001, not ZZ',
    ],
    [
      'project',
      '1234567/RG12345/1/other costs',
      'the project number must be letters and digits, such as ZZAG001, not 1234567',
    ],
    [
      'award',
      'ZZAG001/12345/1/other costs',
      'the award number must be letters then digits, such as RG12345 or G12345, not 12345',
    ],
    [
      'task',
      'ZZAG001/RG12345/one/other costs',
      'the task number must be a number, such as 1 or 1.2, not one',
    ],
    [
      'expenditure-type',
      'ZZAG001/RG12345/1/',
      'the expenditure type must be words, such as other costs, empty',
    ],
    [
      'expenditure-type',
      'ZZAG001/RG12345/1/other;costs',
      'the expenditure type must be words, such as other costs, not other;costs',
    ],
  ])('%s wrong: %s', (part, code, message) => {
    expect(checkGrantSyntax(code).problems).toEqual([{ part, code: 'malformed', message }]);
  });

  it('reports every malformed part at once', () => {
    expect(checkGrantSyntax('Z/1/x/').problems.map((p) => p.part)).toEqual([
      'project',
      'award',
      'task',
      'expenditure-type',
    ]);
  });

  it.each([
    ['ZZAG001/RG12345/1', 3],
    ['ZZAG001/RG12345/1/other costs/extra', 5],
  ])('%s has the wrong number of parts', (code, count) => {
    const result = checkGrantSyntax(code);
    expect(result.parts).toEqual([]);
    expect(result.problems).toEqual([
      {
        part: 'code',
        code: 'wrong-shape',
        message: `a grant code has four parts, project/award/task/expenditure type (for example ZZAG001/RG12345/1/other costs); this one has ${count}`,
      },
    ]);
  });
});

const PROJECT: CufsProject = {
  projectNumber: 'ZZAG001',
  name: 'Dark matter survey',
  status: 'ACTIVE',
  startDate: '2024-01-01',
  endDate: '2029-12-31',
  awards: [
    { awardNumber: 'RG12345', status: 'ACTIVE', startDate: '2024-01-01', endDate: '2028-12-31' },
    { awardNumber: 'G67890', status: 'ACTIVE', startDate: '2020-01-01', endDate: '2023-12-31' },
    { awardNumber: 'RG99999', status: 'CLOSED', startDate: '2024-01-01', endDate: '2028-12-31' },
  ],
  tasks: [
    { taskNumber: '1', chargeable: true, status: 'ACTIVE' },
    { taskNumber: '2', chargeable: false, status: 'ACTIVE' },
    { taskNumber: '3', chargeable: true, status: 'CLOSED' },
  ],
  expenditureTypes: ['other costs', 'Equipment'],
};
const DATE = '2026-06-01';
const findings = (code: string, project: CufsProject | null = PROJECT, date = DATE) =>
  grantFindings(checkGrantSyntax(code), project, date);

describe('grant findings from CUFS', () => {
  it('passes an active project, award in date, chargeable task and allowed type', () => {
    const { parts, problems } = findings(VALID);
    expect(problems).toEqual([]);
    expect(parts.every((part) => part.ok)).toBe(true);
    expect(parts[0]?.description).toBe('Dark matter survey');
    expect(findings('ZZAG001/RG12345/1/equipment').problems).toEqual([]);
  });

  it.each([
    ['an unknown project', VALID, null, DATE, 'project: unknown', 'project ZZAG001 does not exist'],
    [
      'a closed project',
      VALID,
      { ...PROJECT, status: 'CLOSED' as const },
      DATE,
      'project: inactive',
      'project ZZAG001 is closed',
    ],
    [
      'a project on hold',
      VALID,
      { ...PROJECT, status: 'ON_HOLD' as const },
      DATE,
      'project: inactive',
      'project ZZAG001 is on hold',
    ],
    [
      'an award of another project',
      'ZZAG001/RG00001/1/other costs',
      PROJECT,
      DATE,
      'award: not-in-project',
      'award RG00001 does not belong to project ZZAG001',
    ],
    [
      'a closed award',
      'ZZAG001/RG99999/1/other costs',
      PROJECT,
      DATE,
      'award: inactive',
      'award RG99999 is closed',
    ],
    [
      'a date after the award',
      'ZZAG001/G67890/1/other costs',
      PROJECT,
      DATE,
      'award: ended',
      'award G67890 runs from 2020-01-01 to 2023-12-31; the charge date 2026-06-01 is outside it',
    ],
    [
      'a date before the award',
      VALID,
      { ...PROJECT, startDate: null },
      '2023-06-01',
      'award: not-started',
      'award RG12345 runs from 2024-01-01 to 2028-12-31; the charge date 2023-06-01 is outside it',
    ],
    [
      'a task not chargeable',
      'ZZAG001/RG12345/2/other costs',
      PROJECT,
      DATE,
      'task: not-chargeable',
      'task 2 of project ZZAG001 is not chargeable',
    ],
    [
      'a closed task',
      'ZZAG001/RG12345/3/other costs',
      PROJECT,
      DATE,
      'task: inactive',
      'task 3 of project ZZAG001 is closed',
    ],
    [
      'an unknown task',
      'ZZAG001/RG12345/9/other costs',
      PROJECT,
      DATE,
      'task: not-in-project',
      'task 9 does not exist in project ZZAG001',
    ],
    [
      'an expenditure type not allowed',
      'ZZAG001/RG12345/1/travel',
      PROJECT,
      DATE,
      'expenditure-type: expenditure-type-not-allowed',
      'expenditure type "travel" is not allowed on project ZZAG001 (allowed: other costs, equipment)',
    ],
  ])('%s', (_name, code, project, date, problem, message) => {
    const { problems } = findings(code, project, date);
    expect(problems.map((p) => `${p.part}: ${p.code}`)).toEqual([problem]);
    expect(problems[0]?.message).toBe(message);
  });

  it('reports every problem of a grant at once', () => {
    const { problems, parts } = findings('ZZAG001/G67890/2/travel', { ...PROJECT, status: 'CLOSED' });
    expect(problems.map((p) => `${p.part}: ${p.code}`)).toEqual([
      'project: inactive',
      'award: ended',
      'task: not-chargeable',
      'expenditure-type: expenditure-type-not-allowed',
    ]);
    expect(parts.some((part) => part.ok)).toBe(false);
  });

  it('leaves the other parts not ok, without problems of their own, when the project is unknown', () => {
    const { parts, problems } = findings(VALID, null);
    expect(problems).toHaveLength(1);
    expect(parts.map((part) => part.ok)).toEqual([false, false, false, false]);
  });
});
