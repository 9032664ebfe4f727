import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type Harness, job, operator, startHarness, workbook, importKings } from './covid-pool.harness.js';

/**
 * A dry run asked for is never a real run: every spelling of dry_run on the import endpoints either
 * stores nothing and emails nobody, or is refused with a 400 before anything runs.
 */
describe('covid-pool imports: dry_run spellings', () => {
  let h: Harness;
  const server = () => request(h.app.getHttpServer());
  const prisma = () => h.db.prisma();
  let version = 0;

  /** Gives King's a sheet that differs from what is stored, so a real import would change something. */
  function changeSheet(): void {
    version += 1;
    h.sheets.setSpreadsheet(
      'sheet-kings',
      workbook({ A: { A1: ['ab123'], [`A${version + 1}`]: [`cd${100 + version}`] } }),
    );
  }

  async function stored() {
    return {
      college: await prisma().college.findUniqueOrThrow({ where: { id: 'kings' } }),
      students: await prisma().student.count(),
      emails: await prisma().outboxEmail.count(),
      audits: await prisma().auditEvent.count(),
    };
  }

  beforeAll(async () => {
    h = await startHarness();
    await importKings(h);
  });
  afterAll(() => h.close());

  it.each(['?dry_run', '?dry_run=', '?dry_run=1', '?dry_run=true', '?DRY_RUN=1', '?Dry_Run=true'])(
    'POST /colleges/kings/import%s is a dry run: nothing stored, nobody emailed',
    async (query) => {
      changeSheet();
      const before = await stored();
      const response = await server().post(`/colleges/kings/import${query}`).set(job).expect(200);
      expect(response.body).toMatchObject({ dryRun: true, summary: { outcome: 'would_import' } });
      expect(await stored()).toEqual(before);
    },
  );

  it.each([
    ['?dry_run[]=1', /"dry_run\[\]" is not understood/],
    ['?dry_run=1&dry_run=0', /dry_run must be given once/],
    ['?dry_run=%00', /dry_run must be 1, true, 0 or false/],
    ['?dry_run=yes', /dry_run must be 1, true, 0 or false/],
    ['?dryRun=1', /"dryRun" is not understood/],
  ])('POST /colleges/kings/import%s is a 400 and runs nothing', async (query, message) => {
    changeSheet();
    const before = await stored();
    const runs = await prisma().jobRun.count();
    const response = await server().post(`/colleges/kings/import${query}`).set(job).expect(400);
    expect(response.body.message).toMatch(message);
    expect(await stored()).toEqual(before);
    expect(await prisma().jobRun.count()).toBe(runs);
  });

  it.each(['?dry_run=0', '?dry_run=false', '?DRY_RUN=0'])(
    'POST /colleges/kings/import%s is a real run',
    async (query) => {
      changeSheet();
      const before = await stored();
      const response = await server().post(`/colleges/kings/import${query}`).set(job).expect(200);
      expect(response.body).toMatchObject({ dryRun: false, summary: { outcome: 'imported' } });
      const after = await stored();
      expect(after.college.contentHash).not.toBe(before.college.contentHash);
      expect(after.audits).toBeGreaterThan(before.audits);
    },
  );

  it.each([
    ['/jobs/import-all', '?dry_run'],
    ['/jobs/import-all', '?DRY_RUN=1'],
    ['/tasks/import-all', '?dry_run='],
  ])('POST %s%s imports nothing', async (path, query) => {
    changeSheet();
    const before = await stored();
    const response = await server().post(`${path}${query}`).set(job).expect(200);
    expect(response.body).toMatchObject({ job: 'import-all', dryRun: true });
    expect(await stored()).toEqual(before);
  });

  it('POST /jobs/import-all?dry_run[]=1 is a 400 and runs nothing', async () => {
    const runs = await prisma().jobRun.count();
    await server().post('/jobs/import-all?dry_run[]=1').set(job).expect(400);
    expect(await prisma().jobRun.count()).toBe(runs);
  });

  it('a caller cannot name the trigger of an import through X-CloudTasks-TaskName', async () => {
    const response = await server()
      .post('/colleges/kings/import?dry_run=1')
      .set(job)
      .set('X-CloudTasks-TaskName', 'forged-task')
      .expect(200);
    expect(response.body.trigger).toBe('http');
  });

  it('dry_run without credentials is a 401 and runs nothing', async () => {
    const runs = await prisma().jobRun.count();
    await server().post('/colleges/kings/import?dry_run').expect(401);
    await server().post('/jobs/import-all?dry_run').expect(401);
    await server().post('/tasks/import-all?dry_run').expect(401);
    await server().post('/tasks/import-all?dry_run').set(operator).expect(403);
    expect(await prisma().jobRun.count()).toBe(runs);
  });

  it('the OpenAPI document shows the College body, the limit queries and dry_run once', async () => {
    const document = (await server().get('/api/openapi.json').expect(200)).body;
    const put = document.paths['/colleges/{collegeId}'].put;
    expect(put.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string' }, spreadsheetId: { type: 'string' } },
      required: expect.arrayContaining(['name', 'spreadsheetId']),
      additionalProperties: false,
    });
    for (const [path, max] of [
      ['/colleges/{collegeId}/imports', 100],
      ['/runs', 200],
    ] as const) {
      expect(document.paths[path].get.parameters).toContainEqual(
        expect.objectContaining({ name: 'limit', in: 'query', description: `1 to ${max}, default 20` }),
      );
    }
    for (const path of ['/colleges/{collegeId}/import', '/jobs/{name}', '/tasks/{name}']) {
      const parameters = document.paths[path].post.parameters as { name: string }[];
      expect(parameters.filter((p) => p.name === 'dry_run')).toHaveLength(1);
    }
  });
});
