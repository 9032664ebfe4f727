import type { CufsProject } from '../cufs/cufs.types.js';
import { describeDates, withinDates } from './dates.util.js';
import {
  type CheckPart,
  type CheckProblem,
  GRANT_PARTS,
  type GrantPartName,
  type SyntaxPart,
  type SyntaxResult,
} from './finance.types.js';

const SHAPES: Record<GrantPartName, { pattern: RegExp; words: string; rule: string }> = {
  project: {
    pattern: /^(?=.*[A-Z])[A-Z0-9]{3,12}$/,
    words: 'the project number',
    rule: 'must be letters and digits, such as ZZAG001',
  },
  award: {
    pattern: /^[A-Z]{1,3}\d{1,10}$/,
    words: 'the award number',
    rule: 'must be letters then digits, such as RG12345 or G12345',
  },
  task: {
    pattern: /^\d{1,4}(\.\d{1,4}){0,3}$/,
    words: 'the task number',
    rule: 'must be a number, such as 1 or 1.2',
  },
  'expenditure-type': {
    pattern: /^[a-z0-9][a-z0-9 ,&()'-]{0,59}$/,
    words: 'the expenditure type',
    rule: 'must be words, such as other costs',
  },
};

/**
 * Normalises each part of a grant code `project/award/task/expenditure type`: spaces around parts
 * dropped, project and award upper case, the expenditure type lower case with single spaces.
 */
function normalisePart(name: GrantPartName, raw: string): string {
  const text = raw.trim().replace(/\s+/g, ' ');
  switch (name) {
    case 'project':
    case 'award':
      return text.toUpperCase();
    case 'task':
      return text;
    case 'expenditure-type':
      return text.toLowerCase();
  }
}

/** The local check of a grant code: four parts, each written as that part is written. */
export function checkGrantSyntax(code: string): SyntaxResult<GrantPartName> {
  const raw = code.trim().split('/');
  const normalisedParts = raw.map((part, index) => normalisePart(GRANT_PARTS[index] ?? 'project', part));
  const normalised = normalisedParts.join('/');
  if (raw.length !== GRANT_PARTS.length) {
    return {
      kind: 'grant',
      normalised,
      parts: [],
      problems: [
        {
          part: 'code',
          code: 'wrong-shape',
          message:
            'a grant code has four parts, project/award/task/expenditure type (for example ' +
            `ZZAG001/RG12345/1/other costs); this one has ${raw.length}`,
        },
      ],
    };
  }
  const problems: CheckProblem[] = [];
  const parts = GRANT_PARTS.map((name, index): SyntaxPart<GrantPartName> => {
    const value = normalisedParts[index] ?? '';
    const shape = SHAPES[name];
    const wellFormed = shape.pattern.test(value);
    if (!wellFormed) {
      const shown = value === '' ? 'empty' : `not ${value}`;
      problems.push({ part: name, code: 'malformed', message: `${shape.words} ${shape.rule}, ${shown}` });
    }
    return { name, value, wellFormed };
  });
  return { kind: 'grant', normalised, parts, problems };
}

/**
 * The CUFS half of a grant check, pure, from the project record (null: CUFS does not know it): the
 * project is active and the date inside its dates; the award belongs to it, is active and the date is
 * inside the award's dates; the task exists, is active and chargeable; the expenditure type is one the
 * project allows. Parts that could not be checked (the project is unknown) are not `ok`.
 */
export function grantFindings(
  syntax: SyntaxResult<GrantPartName>,
  project: CufsProject | null | undefined,
  date: string,
): { parts: CheckPart[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [...syntax.problems];
  const value = (name: GrantPartName) => syntax.parts.find((part) => part.name === name);
  const descriptions = new Map<GrantPartName, string>();
  const projectPart = value('project');
  if (projectPart?.wellFormed === true && project !== undefined) {
    if (project === null) {
      problems.push({
        part: 'project',
        code: 'unknown',
        message: `project ${projectPart.value} does not exist`,
      });
    } else {
      if (project.name !== null) descriptions.set('project', project.name);
      problems.push(...projectProblems(project, date));
      problems.push(...awardProblems(project, value('award'), date, descriptions));
      problems.push(...taskProblems(project, value('task')));
      problems.push(...expenditureProblems(project, value('expenditure-type')));
    }
  }
  const checked = project !== undefined && project !== null;
  const parts = syntax.parts.map((part): CheckPart => ({
    name: part.name,
    value: part.value,
    description: descriptions.get(part.name) ?? null,
    ok: checked && part.wellFormed && !problems.some((problem) => problem.part === part.name),
  }));
  return { parts, problems };
}

const STATUS_WORDS = { CLOSED: 'closed', ON_HOLD: 'on hold' } as const;

function projectProblems(project: CufsProject, date: string): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const named = `project ${project.projectNumber}`;
  if (project.status !== 'ACTIVE') {
    problems.push({
      part: 'project',
      code: 'inactive',
      message: `${named} is ${STATUS_WORDS[project.status]}`,
    });
  }
  if (!withinDates(date, project.startDate, project.endDate)) {
    problems.push({
      part: 'project',
      code: date < (project.startDate ?? '') ? 'not-started' : 'ended',
      message: `${named} runs ${describeDates(project.startDate, project.endDate)}; the charge date ${date} is outside it`,
    });
  }
  return problems;
}

function awardProblems(
  project: CufsProject,
  part: SyntaxPart<GrantPartName> | undefined,
  date: string,
  descriptions: Map<GrantPartName, string>,
): CheckProblem[] {
  if (part?.wellFormed !== true) return [];
  const award = project.awards.find((candidate) => candidate.awardNumber.toUpperCase() === part.value);
  const named = `award ${part.value}`;
  if (award === undefined) {
    return [
      {
        part: 'award',
        code: 'not-in-project',
        message: `${named} does not belong to project ${project.projectNumber}`,
      },
    ];
  }
  descriptions.set('award', `award ${award.awardNumber}, ${describeDates(award.startDate, award.endDate)}`);
  const problems: CheckProblem[] = [];
  if (award.status !== 'ACTIVE') {
    problems.push({ part: 'award', code: 'inactive', message: `${named} is ${STATUS_WORDS[award.status]}` });
  }
  if (!withinDates(date, award.startDate, award.endDate)) {
    problems.push({
      part: 'award',
      code: date < (award.startDate ?? '') ? 'not-started' : 'ended',
      message: `${named} runs ${describeDates(award.startDate, award.endDate)}; the charge date ${date} is outside it`,
    });
  }
  return problems;
}

function taskProblems(project: CufsProject, part: SyntaxPart<GrantPartName> | undefined): CheckProblem[] {
  if (part?.wellFormed !== true) return [];
  const task = project.tasks.find((candidate) => candidate.taskNumber === part.value);
  const named = `task ${part.value} of project ${project.projectNumber}`;
  if (task === undefined) {
    return [
      {
        part: 'task',
        code: 'not-in-project',
        message: `task ${part.value} does not exist in project ${project.projectNumber}`,
      },
    ];
  }
  const problems: CheckProblem[] = [];
  if (task.status !== 'ACTIVE')
    problems.push({ part: 'task', code: 'inactive', message: `${named} is closed` });
  if (!task.chargeable) {
    problems.push({ part: 'task', code: 'not-chargeable', message: `${named} is not chargeable` });
  }
  return problems;
}

function expenditureProblems(
  project: CufsProject,
  part: SyntaxPart<GrantPartName> | undefined,
): CheckProblem[] {
  if (part?.wellFormed !== true) return [];
  const allowed = project.expenditureTypes.map((type) => type.trim().toLowerCase());
  if (allowed.includes(part.value)) return [];
  return [
    {
      part: 'expenditure-type',
      code: 'expenditure-type-not-allowed',
      message:
        `expenditure type "${part.value}" is not allowed on project ${project.projectNumber}` +
        (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''),
    },
  ];
}
