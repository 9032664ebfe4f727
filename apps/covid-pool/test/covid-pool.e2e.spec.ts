import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FALLBACK, type Harness, job, operator, startHarness, workbook } from './covid-pool.harness.js';

describe('covid-pool end to end', () => {
  let h: Harness;
  const server = () => request(h.app.getHttpServer());
  const exportJson = async () =>
    (await server().get('/export').set(job).expect(200)).body as { colleges: unknown[] };

  beforeAll(async () => {
    h = await startHarness();
    for (const [id, name, sheet] of [
      ['kings', "King's College", 'sheet-kings'],
      ['clare', 'Clare College', 'sheet-clare'],
      ['girton', 'Girton College', 'sheet-girton'],
    ]) {
      await server()
        .put(`/colleges/${id}`)
        .set(operator)
        .send({ name, spreadsheetId: sheet, active: true })
        .expect(201);
    }
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.sheets.control.reset();
    h.smtp.received.length = 0;
  });

  const kings = workbook({
    'Pool A': { A1: ['ab123', 'cd456'], A2: ['ef789'] },
    '-Annex': { '=Flat': ['gh1'] },
  });

  it('imports a sheet through the Sheets API in one batchGet and stores it', async () => {
    h.sheets.setSpreadsheet('sheet-kings', kings);
    const response = await server().post('/colleges/kings/import').set(job).expect(200);
    expect(response.body).toMatchObject({
      job: 'import',
      scope: 'kings',
      status: 'succeeded',
      summary: { outcome: 'imported' },
    });
    expect(response.body.summary.changes.pools.added).toEqual(['Pool A', '-Annex']);
    expect(h.sheets.control.callCount({ path: /values:batchGet/ })).toBe(1);
    const exported = await server().get('/export').set(job).expect(200);
    expect(exported.body.colleges.find((c: { id: string }) => c.id === 'kings')).toMatchObject({
      id: 'kings',
      name: "King's College",
      pools: [
        {
          id: 'Pool A',
          description: 'Pool Pool A',
          collectionDay: 'Monday',
          households: [
            { id: 'A1', students: ['ab123', 'cd456'] },
            { id: 'A2', students: ['ef789'] },
          ],
        },
        { id: '-Annex', households: [{ id: '=Flat', students: ['gh1'] }] },
      ],
    });
    const audits = await h.db.prisma().auditEvent.findMany({ where: { runId: response.body.id } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: 'college.pools.replaced', entityId: 'kings' });
  });

  it('writes nothing for an unchanged sheet and says so', async () => {
    const audits = await h.db.prisma().auditEvent.count();
    const response = await server().post('/colleges/kings/import').set(job).expect(200);
    expect(response.body.summary).toMatchObject({ outcome: 'unchanged' });
    expect(response.body.summary.message).toMatch(/not changed/);
    expect(await h.db.prisma().auditEvent.count()).toBe(audits);
  });

  it('a bad sheet leaves the stored pools intact and sends one email listing every error', async () => {
    const before = await exportJson();
    const broken = workbook(
      { 'Pool A': { A1: ['ab123', 'AB 12'], A2: ['ab123'] }, 'Pool B': { B1: ['zz9'] } },
      [
        ['Porter', 'porter@example.ac.uk'],
        ['Tutor', 'tutor@example.ac.uk'],
      ],
    );
    broken.Households.push(['A3', 'Nowhere', 'xy1']);
    h.sheets.setSpreadsheet('sheet-kings', broken);
    const response = await server().post('/colleges/kings/import').set(job).expect(422);
    expect(response.body).toMatchObject({ status: 'failed', summary: { outcome: 'invalid' } });
    const codes = response.body.summary.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['invalid_crsid', 'duplicate_student', 'unknown_pool']));
    expect(response.body.summary.findings[0]).toEqual(
      expect.objectContaining({
        worksheet: expect.any(String),
        row: expect.any(Number),
        column: expect.anything(),
        message: expect.any(String),
      }),
    );
    expect(await exportJson()).toEqual({ ...before, generatedAt: expect.any(String) });

    const outbox = await h.db
      .prisma()
      .outboxEmail.findMany({ where: { app: 'covid-pool', status: 'pending' } });
    expect(outbox).toHaveLength(1);
    await server().post('/jobs/dispatch-outbox').set(job).expect(200);
    expect(h.smtp.received).toHaveLength(1);
    const email = h.smtp.received[0];
    expect(email.to.sort()).toEqual(['porter@example.ac.uk', 'tutor@example.ac.uk']);
    expect(email.raw).toContain('https://docs.google.com/spreadsheets/d/sheet-kings/edit');
    expect(email.raw).toMatch(/Worksheet Households, row 2, column Student 2/);
    expect(email.raw).toContain('Nowhere');
  });

  it('a dry run validates and plans but stores nothing, emails nobody, and keeps only its run record', async () => {
    h.sheets.setSpreadsheet('sheet-kings', workbook({ 'Pool Z': { Z1: ['new1'] } }));
    const before = await exportJson();
    const emails = await h.db.prisma().outboxEmail.count();
    const audits = await h.db.prisma().auditEvent.count();
    const response = await server().post('/colleges/kings/import?dry_run=1').set(job).expect(200);
    expect(response.body).toMatchObject({
      dryRun: true,
      status: 'succeeded',
      summary: { outcome: 'would_import' },
    });
    expect(response.body.summary.changes.pools).toMatchObject({
      added: ['Pool Z'],
      removed: ['Pool A', '-Annex'],
    });
    expect(await exportJson()).toEqual({ ...before, generatedAt: expect.any(String) });
    h.sheets.setSpreadsheet('sheet-kings', workbook({ 'Pool Z': { Z1: ['BAD CRSID'] } }));
    await server().post('/colleges/kings/import?dry_run=1').set(job).expect(422);
    expect(await h.db.prisma().outboxEmail.count()).toBe(emails);
    expect(await h.db.prisma().auditEvent.count()).toBe(audits);
  });

  it('exports CSV with formula-looking cells defused, and honours If-None-Match', async () => {
    const csv = await server().get('/export?format=csv').set(job).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('college,pool,household,crsid');
    expect(lines).toContain("kings,'-Annex,'=Flat,gh1");
    const json = await server().get('/export').set(job).expect(200);
    expect(json.headers.etag).toMatch(/^"/);
    expect(json.headers.etag).not.toBe(csv.headers.etag);
    await server().get('/export').set(job).set('If-None-Match', json.headers.etag).expect(304);
    await server().get('/export?format=csv').set(job).set('If-None-Match', csv.headers.etag).expect(304);
    await server().get('/export').set(job).set('If-None-Match', '"stale"').expect(200);
  });

  it('lets one import of a College run at a time: the other gets 409 with the running run id', async () => {
    h.sheets.setSpreadsheet('sheet-clare', workbook({ C: { C1: ['cl1'] } }));
    const held = h.source.hold('sheet-clare');
    const first = server()
      .post('/colleges/clare/import')
      .set(job)
      .then((response) => response);
    await held.arrived; // the first import holds the run lock and is reading the sheet
    const second = await server().post('/colleges/clare/import').set(job).expect(409);
    held.release();
    const winner = await first;
    expect(winner.status).toBe(200);
    expect(second.body.runningRunId).toBe(winner.body.id);
  });

  it('retries a 429 with Retry-After and succeeds', async () => {
    h.sheets.setSpreadsheet('sheet-clare', workbook({ C: { C1: ['cl1', 'cl2'] } }));
    h.sheets.control.addFault({
      path: '/v4/spreadsheets/sheet-clare',
      status: 429,
      times: 1,
      retryAfterSeconds: 0,
    });
    const response = await server().post('/colleges/clare/import').set(job).expect(200);
    expect(response.body.summary.outcome).toBe('imported');
    expect(h.sheets.control.callCount({ path: /values:batchGet/ })).toBe(2);
  });

  it('import-all: one College failing or unreadable never stops the others', async () => {
    h.sheets.setSpreadsheet('sheet-kings', kings);
    h.sheets.setSpreadsheet('sheet-clare', workbook({ C: { C1: ['dup1'], C2: ['dup1'] } }));
    h.sheets.setSpreadsheet('sheet-girton', workbook({ G: { G1: ['gi1'] } }), { forbidden: true });
    const response = await server().post('/jobs/import-all').set(job).expect(200);
    const outcomes = Object.fromEntries(
      response.body.summary.outcomes.map((o: { collegeId: string; outcome: string }) => [
        o.collegeId,
        o.outcome,
      ]),
    );
    // King's sheet is back to what was imported first: nothing to write.
    expect(outcomes).toEqual({ clare: 'invalid', girton: 'unreadable', kings: 'unchanged' });
    const children = await h.db.prisma().jobRun.findMany({ where: { parentId: response.body.id } });
    expect(children).toHaveLength(3);
    await server().post('/jobs/dispatch-outbox').set(job).expect(200);
    // Girton never had contacts: its problem goes to the fallback contact; Clare's to its own contact.
    const recipients = h.smtp.received.map((m) => m.to.join(',')).sort();
    expect(recipients).toEqual([FALLBACK, 'porter@example.ac.uk']);
  });

  it('lists a College’s recent imports with their findings', async () => {
    const response = await server().get('/colleges/clare/imports?limit=5').set(operator).expect(200);
    expect(response.body.length).toBeGreaterThan(0);
    expect(response.body[0]).toMatchObject({
      job: 'import',
      scope: 'clare',
      summary: { outcome: 'invalid' },
    });
    expect(
      response.body[0].summary.findings.some((f: { code: string }) => f.code === 'duplicate_student'),
    ).toBe(true);
  });

  it('PUT updates a College and audits the change', async () => {
    const response = await server()
      .put('/colleges/girton')
      .set(operator)
      .send({ name: 'Girton College', spreadsheetId: 'sheet-girton', active: false })
      .expect(200);
    expect(response.body).toMatchObject({ id: 'girton', active: false });
    const audit = await h.db
      .prisma()
      .auditEvent.findFirst({ where: { entityId: 'girton', action: 'college.updated' } });
    expect(audit).toMatchObject({
      actor: 'token:operator',
      before: { active: true },
      after: { active: false },
    });
  });
});
