import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  FALLBACK,
  type Harness,
  job,
  operator,
  startHarness,
  withTableMissing,
  workbook,
} from './covid-pool.harness.js';

/** Failures: ours or the College's, unusable contacts, sheets that would empty a College. */
describe('covid-pool when things go wrong', () => {
  let h: Harness;
  const server = () => request(h.app.getHttpServer());
  const emails = () => h.db.prisma().outboxEmail.count({ where: { app: 'covid-pool' } });
  const exportOf = async (collegeId: string) =>
    (
      (await server().get('/export').set(job).expect(200)).body as { colleges: { id: string }[] }
    ).colleges.find((c) => c.id === collegeId);
  const kings = workbook({ A: { A1: ['ab123', 'cd456'], A2: ['ef789'] }, B: { B1: ['gh1'] } });

  beforeAll(async () => {
    h = await startHarness();
    for (const id of ['kings', 'clare', 'girton', 'newnham']) {
      await server()
        .put(`/colleges/${id}`)
        .set(operator)
        .send({ name: `College ${id}`, spreadsheetId: `sheet-${id}`, active: true })
        .expect(201);
    }
    h.sheets.setSpreadsheet('sheet-kings', kings);
    await server().post('/colleges/kings/import').set(job).expect(200);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    h.sheets.control.reset();
    h.sheets.setSpreadsheet('sheet-kings', kings);
    await server().post('/jobs/dispatch-outbox').set(job).expect(200); // earlier tests' email out of the way
    h.smtp.received.length = 0;
  });

  describe('a sheet that cannot be read', () => {
    const serviceDisabled = {
      error: {
        code: 403,
        message: 'Google Sheets API has not been used in project 123 before or it is disabled.',
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }],
      },
    };
    it.each([
      ['Google failing (503 after retries)', { status: 503 }, 'unavailable'],
      ['Google throttling (429 after retries)', { status: 429, retryAfterSeconds: 0 }, 'rate_limited'],
      ['the Sheets API disabled in our project (403)', { status: 403, body: serviceDisabled }, 'credentials'],
    ])('on our side, %s: a fault (500), and no College is emailed', async (_name, fault, kind) => {
      const before = await emails();
      h.sheets.control.addFault({ path: /^\/v4\/spreadsheets\//, ...fault });
      const one = await server().post('/colleges/kings/import').set(job).expect(500);
      expect(one.body).toMatchObject({
        status: 'failed',
        summary: { outcome: 'unreadable', kind, mustAct: 'us', notified: { skipped: expect.any(String) } },
      });
      const all = await server().post('/jobs/import-all').set(job).expect(500);
      expect(all.body.summary).toMatchObject({ colleges: 4, failed: 4, faults: 4 });
      expect(all.body.summary.outcomes.map((o: { mustAct: string }) => o.mustAct)).toEqual([
        'us',
        'us',
        'us',
        'us',
      ]);
      expect(await emails()).toBe(before);
    });

    it.each([
      ['not shared with the service account (403)', 'sheet-girton', 'no_access'],
      ['missing (404)', 'sheet-newnham', 'not_found'],
    ])('that the College can fix, %s: 422 and one email to the College', async (_name, sheet, kind) => {
      h.sheets.setSpreadsheet('sheet-girton', workbook({ G: { G1: ['gi1'] } }), { forbidden: true });
      const collegeId = sheet.replace('sheet-', '');
      const before = await emails();
      const response = await server().post(`/colleges/${collegeId}/import`).set(job).expect(422);
      expect(response.body.summary).toMatchObject({ outcome: 'unreadable', kind, mustAct: 'college' });
      expect(response.body.summary.notified).toEqual({ to: [FALLBACK] });
      expect(await emails()).toBe(before + 1);
    });
  });

  describe('a sheet emptied by mistake', () => {
    const emptied = { ...workbook({}), Pools: [['Pool']], Households: [['Household', 'Pool', 'Student 1']] };

    it('is refused (200): nothing is changed, and the contacts are told once, with the link', async () => {
      const stored = await exportOf('kings');
      const before = await emails();
      h.sheets.setSpreadsheet('sheet-kings', emptied);
      const dry = await server().post('/colleges/kings/import?dry_run=1').set(job).expect(200);
      expect(dry.body).toMatchObject({ status: 'refused', summary: { outcome: 'refused' } });
      expect(await emails()).toBe(before);

      const response = await server().post('/colleges/kings/import').set(job).expect(200);
      expect(response.body).toMatchObject({
        status: 'refused',
        summary: { outcome: 'refused', storedStudents: 4, notified: { to: ['porter@example.ac.uk'] } },
      });
      expect(response.body.error).toMatch(/nothing changed.*no students/);
      expect(await exportOf('kings')).toEqual(stored);
      await server().post('/jobs/dispatch-outbox').set(job).expect(200);
      expect(h.smtp.received).toHaveLength(1);
      const body = (h.smtp.received[0]?.raw ?? '').replace(/=\r?\n/g, ''); // undo quoted-printable line folding
      expect(body).toContain('https://docs.google.com/spreadsheets/d/sheet-kings/edit');
      expect(body).toMatch(/was not imported, and nothing was changed/);
    });

    it('is imported for a College that never had students', async () => {
      h.sheets.setSpreadsheet('sheet-clare', emptied);
      const response = await server().post('/colleges/clare/import').set(job).expect(200);
      expect(response.body).toMatchObject({ status: 'succeeded', summary: { outcome: 'imported' } });
    });
  });

  describe('contacts the outbox would refuse', () => {
    const noContacts = () => {
      const sheet = workbook({ A: { A1: ['NOT A CRSID'] } });
      return { ...sheet, Contacts: [['Name', 'Email']] };
    };

    it('are left out of the email, and the others still get it', async () => {
      // Stored by an import made before the sheet's email rule matched the outbox's.
      await h.db.prisma().contact.create({
        data: { collegeId: 'kings', email: 'tutor\\office@example.ac.uk', name: 'Old', position: 9 },
      });
      h.sheets.setSpreadsheet('sheet-kings', noContacts());
      const response = await server().post('/colleges/kings/import').set(job).expect(422);
      expect(response.body.summary.notified).toEqual({
        to: ['porter@example.ac.uk'],
        leftOut: ['tutor\\office@example.ac.uk'],
      });
      expect(response.body.summary.findings.length).toBeGreaterThan(0);
    });

    it('in the sheet are invalid_email findings', async () => {
      const sheet = workbook({ A: { A1: ['ab123'] } }, [['Jo', 'jo[1]@example.ac.uk']]);
      h.sheets.setSpreadsheet('sheet-kings', sheet);
      const response = await server().post('/colleges/kings/import?dry_run=1').set(job).expect(422);
      const codes = response.body.summary.findings.map((f: { code: string }) => f.code);
      expect(codes).toEqual(expect.arrayContaining(['invalid_email', 'no_valid_contact']));
    });
  });

  it('keeps the findings when the email cannot be queued, and says so in the summary', async () => {
    h.sheets.setSpreadsheet('sheet-kings', workbook({ A: { A1: ['NOT A CRSID'] } }));
    const response = await withTableMissing(h.db, 'platform.outbox_email', () =>
      server().post('/colleges/kings/import').set(job),
    );
    expect(response.status).toBe(422);
    expect(response.body.summary).toMatchObject({
      outcome: 'invalid',
      notified: { error: expect.stringMatching(/could not be queued/) },
    });
    expect(response.body.summary.findings.map((f: { code: string }) => f.code)).toContain('invalid_crsid');
  });

  it('reports a control character in a cell by its place (422), where it used to be a 500', async () => {
    h.sheets.setSpreadsheet('sheet-kings', workbook({ A: { 'A\u00001': ['ab123'] } }));
    const response = await server().post('/colleges/kings/import').set(job).expect(422);
    expect(response.body.summary.findings).toEqual([
      expect.objectContaining({
        worksheet: 'Households',
        row: 2,
        column: 'Household',
        code: 'invalid_character',
      }),
    ]);
  });

  it('compares with what is stored when the run holds its lock, not with an earlier read', async () => {
    const held = h.source.hold('sheet-kings');
    const pending = server()
      .post('/colleges/kings/import')
      .set(job)
      .then((response) => response);
    await held.arrived;
    // Meanwhile the stored pools change (as if another import had finished just before this one's lock).
    await h.db.prisma().$executeRaw`DELETE FROM covid_pool.pool WHERE college_id = 'kings'`;
    await h.db.prisma().$executeRaw`UPDATE covid_pool.college SET content_hash = 'other' WHERE id = 'kings'`;
    held.release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.body.summary.outcome).toBe('imported');
    expect(await exportOf('kings')).toMatchObject({ pools: [{ id: 'A' }, { id: 'B' }] });
  });

  it('import-all skips a College whose import is already running', async () => {
    const held = h.source.hold('sheet-kings');
    const pending = server()
      .post('/colleges/kings/import')
      .set(job)
      .then((response) => response);
    await held.arrived;
    const all = await server().post('/jobs/import-all?dry_run=1').set(job);
    held.release();
    await pending;
    const kingsOutcome = all.body.summary.outcomes.find(
      (o: { collegeId: string }) => o.collegeId === 'kings',
    );
    expect(kingsOutcome).toMatchObject({ status: 'skipped' });
    expect(all.body.summary.skipped).toBe(1);
  });
});
