import { beforeEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { SheetsSimulator } from './sheets.simulator.js';

const AUTH = { Authorization: 'Bearer test-token' };

describe('SheetsSimulator', () => {
  const simulator = new SheetsSimulator();
  const app = simulator.createApp();

  beforeEach(() => {
    simulator.control.reset();
    simulator.setSpreadsheet('sheet1', {
      Pools: [
        ['Pool', 'Description', 'Collection day'],
        ['Alpha', '', ''],
        ['', '', ''],
        ['Beta', 'b', 'Monday', '', ''],
        ['', ''],
      ],
      'Odd name': [['x', "it's"]],
      Empty: [[''], []],
    });
    simulator.setSpreadsheet('secret', { Pools: [] }, { forbidden: true });
  });

  const batchGet = (id: string, query: string) =>
    request(app).get(`/v4/spreadsheets/${id}/values:batchGet?${query}`).set(AUTH);

  it('answers batchGet with trailing empty cells and rows left out and the whole range named', async () => {
    const response = await batchGet('sheet1', 'ranges=Pools&ranges=Empty&majorDimension=ROWS').expect(200);
    expect(response.body).toEqual({
      spreadsheetId: 'sheet1',
      valueRanges: [
        {
          range: 'Pools!A1:Z1000',
          majorDimension: 'ROWS',
          values: [['Pool', 'Description', 'Collection day'], ['Alpha'], [], ['Beta', 'b', 'Monday']],
        },
        { range: 'Empty!A1:Z1000', majorDimension: 'ROWS' },
      ],
    });
  });

  it('reads A1 ranges, quoted titles and columns', async () => {
    const response = await batchGet(
      'sheet1',
      `ranges=${encodeURIComponent('Pools!B1:C4')}&ranges=${encodeURIComponent("'Odd name'!A1:B")}&majorDimension=COLUMNS`,
    ).expect(200);
    expect(response.body.valueRanges).toEqual([
      {
        range: 'Pools!B1:C4',
        majorDimension: 'COLUMNS',
        values: [
          ['Description', '', '', 'b'],
          ['Collection day', '', '', 'Monday'],
        ],
      },
      { range: "'Odd name'!A1:B1000", majorDimension: 'COLUMNS', values: [['x'], ["it's"]] },
    ]);
  });

  it('refuses the whole batch when one range names a missing worksheet, as Google does', async () => {
    const response = await batchGet('sheet1', 'ranges=Pools&ranges=Contacts').expect(400);
    expect(response.body).toEqual({
      error: { code: 400, message: 'Unable to parse range: Contacts', status: 'INVALID_ARGUMENT' },
    });
  });

  it('answers 404 for an unknown spreadsheet, 403 without permission and 401 without a token', async () => {
    expect((await batchGet('nope', 'ranges=Pools').expect(404)).body.error).toMatchObject({
      status: 'NOT_FOUND',
    });
    expect((await batchGet('secret', 'ranges=Pools').expect(403)).body.error).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
    });
    const unauthenticated = await request(app)
      .get('/v4/spreadsheets/sheet1/values:batchGet?ranges=Pools')
      .expect(401);
    expect(unauthenticated.body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
  });

  it('lists worksheet titles, honouring a simple fields mask', async () => {
    const full = await request(app).get('/v4/spreadsheets/sheet1').set(AUTH).expect(200);
    expect(full.body.sheets[0].properties).toMatchObject({ title: 'Pools', index: 0, sheetType: 'GRID' });
    const titles = await request(app)
      .get('/v4/spreadsheets/sheet1?fields=sheets.properties.title')
      .set(AUTH)
      .expect(200);
    expect(titles.body).toEqual({
      sheets: [
        { properties: { title: 'Pools' } },
        { properties: { title: 'Odd name' } },
        { properties: { title: 'Empty' } },
      ],
    });
  });

  it('gives injected faults Google’s error body and Retry-After, and counts calls', async () => {
    simulator.control.addFault({
      path: '/v4/spreadsheets/sheet1/values:batchGet',
      status: 429,
      times: 1,
      retryAfterSeconds: 2,
    });
    const limited = await batchGet('sheet1', 'ranges=Pools').expect(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    await batchGet('sheet1', 'ranges=Pools').expect(200);
    expect(simulator.control.callCount({ path: /values:batchGet$/ })).toBe(2);
  });

  it('exchanges any subject token for an access token at /token', async () => {
    const response = await request(app)
      .post('/token')
      .type('form')
      .send({ grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: 'anything' })
      .expect(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(typeof response.body.access_token).toBe('string');
    await request(app).post('/token').type('form').send({ grant_type: 'x' }).expect(400);
  });

  it('loads a folder of xlsx files, one spreadsheet per file', async () => {
    const ids = await simulator.loadXlsxDir(fileURLToPath(new URL('../../data/sheets', import.meta.url)));
    expect(ids).toEqual(['demo-broken', 'demo-kings', 'demo-trinity']);
    const response = await batchGet('demo-kings', 'ranges=Contacts').expect(200);
    expect(response.body.valueRanges[0].values[0]).toEqual(['Name', 'Email']);
  });
});
