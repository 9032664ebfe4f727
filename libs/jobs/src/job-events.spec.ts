import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createTestDatabase, type PrismaService, type TestDatabase, wholeSchemaPrismaClient } from '@app/db';
import { createLogger, NestJsonLogger } from '@app/logging';
import { JobRunRepository } from './job-run.repository.js';
import { JobRunner } from './job-runner.service.js';
import { RunLock } from './run-lock.js';

/**
 * The structured events Cloud Monitoring counts: terraform/modules/monitoring turns `job_finished`
 * and `job_failed` log lines into the job_runs and job_errors metrics, by the jsonPayload fields
 * its label extractors name. Read from the Terraform itself, so a renamed field fails here.
 */
const monitoring = readFileSync(path.resolve('terraform/modules/monitoring/main.tf'), 'utf8');

function metric(name: string): { event: string; fields: string[] } {
  const block = new RegExp(`resource "google_logging_metric" "${name}" \\{([\\s\\S]*?)\\n\\}`).exec(
    monitoring,
  );
  if (block === null) throw new Error(`no google_logging_metric "${name}" in terraform/modules/monitoring`);
  const event = /jsonPayload\.event=\\"([a-z_]+)\\"/.exec(block[1]);
  if (event === null) throw new Error(`google_logging_metric "${name}" filters on no jsonPayload.event`);
  const fields = [...block[1].matchAll(/EXTRACT\(jsonPayload\.([A-Za-z_]+)\)/g)].map((match) => match[1]);
  return { event: event[1], fields };
}

describe('job events counted by the log-based metrics', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let runner: JobRunner;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Generous: on a loaded machine a connection can take seconds; this test is about log fields.
    const connection = { url: db.url, poolSize: 2, connectTimeoutMs: 30_000 };
    prisma = await wholeSchemaPrismaClient(connection);
    runner = new JobRunner(
      { app: 'covid-pool', forceDryRun: false },
      new JobRunRepository(prisma),
      new RunLock(connection),
    );
    // The app's own logger (libs/logging) behind Nest's Logger, as bootstrap wires it.
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    Logger.overrideLogger(
      new NestJsonLogger(createLogger({ app: 'covid-pool', level: 'info', destination })),
    );
  }, 120_000);
  afterAll(async () => {
    Logger.overrideLogger(false);
    await prisma?.$disconnect();
    await db?.drop();
  }, 60_000);

  const eventsOf = (event: string, runId: string) =>
    lines.filter((line) => line.event === event && line.runId === runId);

  it.each([
    ['succeeded', async () => Promise.resolve({ status: 'succeeded' as const, summary: {} })],
    [
      'refused',
      async () => Promise.resolve({ status: 'refused' as const, summary: {}, error: 'too many changes' }),
    ],
    ['failed', async () => Promise.reject(new Error('the source answered 500'))],
  ])(
    'a %s run logs job_finished with every field job_runs extracts',
    async (status, work) => {
      const { record } = await runner.run(
        { job: 'import-all', trigger: 'test', actor: 'tester', dryRun: false },
        work,
      );
      const { event, fields } = metric('job_runs');
      expect(event).toBe('job_finished');
      expect(fields.sort()).toEqual(['app', 'job', 'status']);
      const [line] = eventsOf(event, record.id);
      expect(line).toMatchObject({ app: 'covid-pool', job: 'import-all', status, severity: 'INFO' });
    },
    60_000,
  );

  it('a run that throws also logs job_failed with every field job_errors extracts', async () => {
    const { record } = await runner.run(
      { job: 'dispatch-outbox', trigger: 'test', actor: 'tester', dryRun: false },
      () => Promise.reject(new Error('SMTP refused')),
    );
    const { event, fields } = metric('job_errors');
    expect(event).toBe('job_failed');
    expect(fields.sort()).toEqual(['app', 'job']);
    expect(eventsOf(event, record.id)).toEqual([
      expect.objectContaining({ app: 'covid-pool', job: 'dispatch-outbox', severity: 'ERROR' }),
    ]);
    expect(eventsOf('job_finished', record.id)).toEqual([expect.objectContaining({ status: 'failed' })]);
  }, 60_000);
});
