import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type College } from '@app/db';
import { JobRunRepository, type JobRunRecord } from '@app/jobs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import {
  collegeIdSchema,
  collegeInputSchema,
  type CollegeInput,
  type CollegeView,
  spreadsheetUrl,
} from './college.types.js';
import { CollegesRepository } from './colleges.repository.js';

export const APP_NAME = 'covid-pool';

export function toView(college: College): CollegeView {
  return {
    id: college.id,
    name: college.name,
    spreadsheetId: college.spreadsheetId,
    spreadsheetUrl: spreadsheetUrl(college.spreadsheetId),
    active: college.active,
    importedAt: college.importedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class CollegesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Colleges');

  constructor(
    private readonly colleges: CollegesRepository,
    private readonly runs: JobRunRepository,
    @Inject(COVID_POOL_CONFIG) private readonly config: CovidPoolConfig,
  ) {}

  /** Local runs: Colleges from the seed file, inserted when missing (edits made through the API stay). */
  async onApplicationBootstrap(): Promise<void> {
    const file = this.config.COVID_POOL_SEED_FILE;
    if (file === undefined) return;
    const seedSchema = z.array(collegeInputSchema.extend({ id: collegeIdSchema }));
    const parsed = seedSchema.safeParse(await readSeedFile(file));
    if (!parsed.success) {
      throw new Error(
        `COVID_POOL_SEED_FILE is not a valid list of Colleges: ${z.prettifyError(parsed.error)}`,
      );
    }
    const inserted = await this.colleges.insertMissing(parsed.data);
    this.logger.log(`Seeded ${inserted} College(s) from ${file}`);
  }

  async list(): Promise<CollegeView[]> {
    return (await this.colleges.findAll()).map(toView);
  }

  async get(id: string): Promise<College> {
    const college = await this.colleges.findById(parseCollegeId(id));
    if (college === null) throw new NotFoundException(`No College with id '${id}'`);
    return college;
  }

  /** `input` is already valid (the controller's `@ZodBody(collegeInputSchema)`); the id is checked here. */
  async put(
    id: string,
    input: CollegeInput,
    actor: string,
  ): Promise<{ created: boolean; college: CollegeView }> {
    const collegeId = parseCollegeId(id);
    const { before, after } = await this.colleges.upsert(collegeId, input, (tx, previous, next) =>
      this.runs.audit(
        APP_NAME,
        actor,
        null,
        [
          {
            action: previous === null ? 'college.created' : 'college.updated',
            entityType: 'college',
            entityId: collegeId,
            before: previous === null ? undefined : toView(previous),
            after: toView(next),
          },
        ],
        tx,
      ),
    );
    return { created: before === null, college: toView(after) };
  }

  async imports(id: string, limit: number): Promise<JobRunRecord[]> {
    const college = await this.get(id);
    return this.runs.list(APP_NAME, { job: 'import', scope: college.id, limit });
  }
}

export function parseCollegeId(id: string): string {
  const parsed = collegeIdSchema.safeParse(id);
  if (!parsed.success)
    throw new BadRequestException(`College id '${id.slice(0, 60)}' ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The seed file's JSON; a missing or malformed file fails boot with a message naming the setting. */
async function readSeedFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `COVID_POOL_SEED_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        cause: error,
      },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(
      `COVID_POOL_SEED_FILE is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}
