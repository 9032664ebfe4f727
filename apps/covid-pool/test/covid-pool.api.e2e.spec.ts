import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  type Harness,
  job,
  operator,
  startHarness,
  withTableMissing,
  workbook,
  importKings,
} from './covid-pool.harness.js';

/** The College endpoints, the export's ETag and what a dry run leaves behind. */
describe('covid-pool API', () => {
  let h: Harness;
  const server = () => request(h.app.getHttpServer());
  const prisma = () => h.db.prisma();

  beforeAll(async () => {
    h = await startHarness();
    await importKings(h);
  });
  afterAll(() => h.close());

  describe('GET /colleges/:collegeId', () => {
    it('returns one College', async () => {
      const response = await server().get('/colleges/kings').set(job).expect(200);
      expect(response.body).toMatchObject({
        id: 'kings',
        name: "King's College",
        spreadsheetUrl: 'https://docs.google.com/spreadsheets/d/sheet-kings/edit',
        importedAt: expect.any(String),
      });
    });

    const callers = { operator, job, none: {}, wrong: { Authorization: 'Bearer not-the-token-at-all' } };
    it.each([
      ['/colleges/Bad_Id!', 'operator', 400, /College id/],
      ['/colleges/no-such-college', 'job', 404, /No College with id 'no-such-college'/],
      ['/colleges/kings', 'none', 401, /./],
      ['/colleges/kings', 'wrong', 401, /./],
    ] as const)('%s as %s -> %i', async (path, caller, status, message) => {
      const response = await server().get(path).set(callers[caller]).expect(status);
      expect(response.body.message).toMatch(message);
    });
  });

  describe('PUT /colleges/:collegeId', () => {
    it.each([
      ['a NUL byte', 'a\u0000b'],
      ['a line break', 'a\nb'],
      ['an escape', 'a\u001bb'],
    ])('refuses a name with %s (400, naming the field) and writes nothing', async (_name, name) => {
      const before = await prisma().college.findMany();
      const response = await server()
        .put('/colleges/kings')
        .set(operator)
        .send({ name, spreadsheetId: 'sheet-kings' })
        .expect(400);
      expect(response.body.problems).toEqual([{ field: 'name', message: expect.stringMatching(/control/) }]);
      expect(await prisma().college.findMany()).toEqual(before);
    });

    it('saves a College and its audit row together, or neither', async () => {
      const audits = await prisma().auditEvent.count();
      await withTableMissing(h.db, 'platform.audit_event', async () => {
        await server()
          .put('/colleges/kings')
          .set(operator)
          .send({ name: 'Renamed', spreadsheetId: 'sheet-kings' })
          .expect(500);
        await server()
          .put('/colleges/clare')
          .set(operator)
          .send({ name: 'Clare', spreadsheetId: 'sheet-clare' })
          .expect(500);
      });
      expect((await prisma().college.findUnique({ where: { id: 'kings' } }))?.name).toBe("King's College");
      expect(await prisma().college.findUnique({ where: { id: 'clare' } })).toBeNull();
      expect(await prisma().auditEvent.count()).toBe(audits);
    });
  });

  it('changes the export ETag when an import changes the data; the old tag then gets 200', async () => {
    const first = await server().get('/export').set(job).expect(200);
    await server().get('/export').set(job).set('If-None-Match', first.headers.etag).expect(304);
    h.sheets.setSpreadsheet('sheet-kings', workbook({ A: { A1: ['ab123', 'cd456'] } }));
    await server().post('/colleges/kings/import').set(job).expect(200);
    const second = await server()
      .get('/export')
      .set(job)
      .set('If-None-Match', first.headers.etag)
      .expect(200);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(second.body.colleges[0].pools[0].households[0].students).toEqual(['ab123', 'cd456']);
    await server().get('/export').set(job).set('If-None-Match', second.headers.etag).expect(304);
  });

  it('a dry run adds one run record and leaves the College, its contacts and its pools as they were', async () => {
    const college = await prisma().college.findUnique({ where: { id: 'kings' } });
    const contacts = await prisma().contact.findMany({ where: { collegeId: 'kings' } });
    const runs = await prisma().jobRun.count();
    const exported = (await server().get('/export').set(job).expect(200)).headers.etag;
    h.sheets.setSpreadsheet(
      'sheet-kings',
      workbook({ Z: { Z1: ['zz1'] } }, [['New contact', 'new@example.ac.uk']]),
    );
    const response = await server().post('/colleges/kings/import?dry_run=1').set(job).expect(200);
    expect(response.body.summary).toMatchObject({
      outcome: 'would_import',
      changes: { contactsChanged: true },
    });
    expect(await prisma().jobRun.count()).toBe(runs + 1);
    const after = await prisma().college.findUnique({ where: { id: 'kings' } });
    expect(after).toMatchObject({ contentHash: college?.contentHash, importedAt: college?.importedAt });
    expect(await prisma().contact.findMany({ where: { collegeId: 'kings' } })).toEqual(contacts);
    await server().get('/export').set(job).set('If-None-Match', exported).expect(304);
  });

  describe('bad input gets a clear 4xx and writes nothing', () => {
    it.each([
      ['post', '/colleges/no-such-college/import', undefined, 404, /No College with id 'no-such-college'/],
      ['post', '/colleges/BAD_ID!/import', undefined, 400, /College id/],
      ['post', '/colleges/kings/import?dry_run=perhaps', undefined, 400, /dry_run/],
      ['get', '/colleges/no-such-college/imports', undefined, 404, /No College/],
      ['get', '/colleges/kings/imports?limit=1000', undefined, 400, /limit/],
      ['get', '/export?format=xml', undefined, 400, /format must be json or csv/],
      ['put', '/colleges/newcollege', { name: '', spreadsheetId: 'x/y' }, 400, /not valid/],
      [
        'put',
        '/colleges/newcollege',
        { name: 'N', spreadsheetId: 'abcdef', active: 'yes' },
        400,
        /not valid/,
      ],
      ['put', '/colleges/newcollege', { name: 'N', spreadsheetId: 'abcdef', extra: 1 }, 400, /not valid/],
      ['put', '/colleges/Bad%20Id', { name: 'N', spreadsheetId: 'abcdef' }, 400, /College id/],
    ] as const)('%s %s %j -> %i', async (method, path, body, status, message) => {
      const runs = await h.db.prisma().jobRun.count();
      const colleges = await h.db.prisma().college.count();
      const call = server()[method](path).set(operator);
      const response = await (body === undefined ? call : call.send(body)).expect(status);
      expect(response.body.message).toMatch(message);
      expect(await h.db.prisma().jobRun.count()).toBe(runs);
      expect(await h.db.prisma().college.count()).toBe(colleges);
    });

    it('malformed JSON is a 400', async () => {
      const response = await server()
        .put('/colleges/newcollege')
        .set(operator)
        .set('Content-Type', 'application/json')
        .send('{"name": "x",')
        .expect(400);
      expect(response.body.message).toMatch(/JSON/);
    });

    it('PUT reports each bad field by name', async () => {
      const response = await server()
        .put('/colleges/newcollege')
        .set(operator)
        .send({ spreadsheetId: 'a b' })
        .expect(400);
      expect(response.body.problems.map((p: { field: string }) => p.field).sort()).toEqual([
        'name',
        'spreadsheetId',
      ]);
    });
  });

  describe('authentication', () => {
    it.each([
      ['post', '/colleges/kings/import'],
      ['post', '/jobs/import-all'],
      ['get', '/export'],
      ['get', '/colleges'],
      ['put', '/colleges/kings'],
      ['get', '/colleges/kings/imports'],
      ['get', '/runs'],
    ] as const)('%s %s without a token -> 401', async (method, path) => {
      const runs = await h.db.prisma().jobRun.count();
      await server()[method](path).expect(401);
      await server()[method](path).set('Authorization', 'Bearer not-the-token-at-all').expect(401);
      expect(await h.db.prisma().jobRun.count()).toBe(runs);
    });

    it('only operators may change a College', async () => {
      await server()
        .put('/colleges/kings')
        .set(job)
        .send({ name: 'K', spreadsheetId: 'sheet-kings' })
        .expect(403);
      await server().post('/jobs/import-all').set(operator).expect(403);
    });

    it('health endpoints and docs are open', async () => {
      await server().get('/healthz').expect(200, { status: 'ok' });
      await server().get('/readyz').expect(200, { status: 'ok', database: 'ok' });
      const docs = await server().get('/api/openapi.json').expect(200);
      expect(Object.keys(docs.body.paths)).toEqual(
        expect.arrayContaining(['/colleges/{collegeId}/import', '/export', '/jobs/{name}']),
      );
    });
  });
});
