import { beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { generateTerm } from '../termtime/generate-term.js';
import { BookerSimulator } from './booker.simulator.js';

const term = generateTerm({ seed: 4, activities: 20, rooms: 10 });
const room = term.booker.rooms[0];

describe('Booker simulator', () => {
  let now = Date.parse('2025-10-01T00:00:00Z');
  const simulator = new BookerSimulator({
    username: 'sync',
    password: 'pw',
    tokenTtlMs: 60_000,
    now: () => now,
  });
  const app = simulator.createApp();
  let token = '';
  const booking = (overrides: Record<string, unknown> = {}) => ({
    RoomOptimeIndex: room.OptimeIndex,
    StartTime: '2025-10-27T09:00:00+00:00',
    EndTime: '2025-10-27T10:00:00+00:00',
    Title: 'Lecture',
    ExternalReference: 'ref-1',
    ExpectedAttendees: 10,
    BookingType: 'Teaching',
    ...overrides,
  });

  beforeEach(async () => {
    simulator.reset();
    simulator.seed(term.booker);
    const answer = await request(app)
      .post('/api/auth')
      .send({ Username: 'sync', Password: 'pw' })
      .expect(200);
    token = answer.body.Token;
    expect(answer.body.Expires).toBe(new Date(now + 60_000).toISOString());
  });
  const authed = (test: request.Test) => test.set('Authorization', `Bearer ${token}`);

  it('refuses a wrong password, a missing token and an expired one with 401 {Message}', async () => {
    await request(app)
      .post('/api/auth')
      .send({ Username: 'sync', Password: 'nope' })
      .expect(401, { Message: 'Invalid username or password' });
    await request(app).get('/api/rooms').expect(401, { Message: 'Authorization required' });
    now += 60_000;
    await authed(request(app).get('/api/rooms')).expect(401, { Message: 'Token expired or invalid' });
  });

  it('creates a booking (201 with its id) made by the signed-in user', async () => {
    const created = await authed(request(app).post('/api/booker/booking')).send(booking()).expect(201);
    expect(simulator.booking(created.body.OptimeIndex)).toMatchObject({
      Status: 'Confirmed',
      CreatedBy: 'sync',
      Description: '',
    });
  });

  it('answers 409 with the conflicting bookings; a cancelled booking never conflicts', async () => {
    const first = (await authed(request(app).post('/api/booker/booking')).send(booking()).expect(201)).body
      .OptimeIndex;
    const clash = await authed(request(app).post('/api/booker/booking'))
      .send(
        booking({
          ExternalReference: 'ref-2',
          StartTime: '2025-10-27T09:30:00Z',
          EndTime: '2025-10-27T11:00:00Z',
        }),
      )
      .expect(409);
    expect(clash.body).toEqual({ Message: expect.any(String), ConflictingBookings: [first] });
    await authed(request(app).delete(`/api/booker/booking/${first}`)).expect(200);
    await authed(request(app).post('/api/booker/booking'))
      .send(
        booking({
          ExternalReference: 'ref-2',
          StartTime: '2025-10-27T09:30:00Z',
          EndTime: '2025-10-27T11:00:00Z',
        }),
      )
      .expect(201);
  });

  it('keeps ExternalReference unique among live bookings (400 naming the field)', async () => {
    await authed(request(app).post('/api/booker/booking')).send(booking()).expect(201);
    const again = await authed(request(app).post('/api/booker/booking'))
      .send(booking({ StartTime: '2025-10-28T09:00:00Z', EndTime: '2025-10-28T10:00:00Z' }))
      .expect(400);
    expect(Object.keys(again.body.Errors)).toEqual(['ExternalReference']);
  });

  it.each([
    ['a time without offset', { StartTime: '2025-10-27T09:00:00' }, 'StartTime'],
    ['a title over 200 characters', { Title: 'x'.repeat(201) }, 'Title'],
    ['an unknown room', { RoomOptimeIndex: 999_999 }, 'RoomOptimeIndex'],
    ['an unknown field', { Colour: 'red' }, '(body)'],
  ])('refuses %s with 400 {Message, Errors}', async (_what, overrides, field) => {
    const answer = await authed(request(app).post('/api/booker/booking'))
      .send(booking(overrides))
      .expect(400);
    expect(answer.body.Message).toBe('Validation failed');
    expect(Object.keys(answer.body.Errors)).toContain(field);
  });

  it('pages bookings over a window (pageSize at most 500), cancelled ones included', async () => {
    for (let day = 1; day <= 9; day++) {
      await authed(request(app).post('/api/booker/booking'))
        .send(
          booking({
            ExternalReference: `d${day}`,
            StartTime: `2025-11-0${day}T09:00:00Z`,
            EndTime: `2025-11-0${day}T10:00:00Z`,
          }),
        )
        .expect(201);
    }
    const page = await authed(
      request(app).get('/api/booker/bookings?start=2025-11-02&end=2025-11-08&page=2&pageSize=3'),
    ).expect(200);
    const foreign = term.booker.bookings.filter(
      (b) => b.StartTime >= '2025-11-02' && b.StartTime < '2025-11-09',
    ).length;
    expect(page.body).toMatchObject({ Page: 2, PageSize: 3, TotalCount: 7 + foreign });
    expect(page.body.Items).toHaveLength(3);
    await authed(
      request(app).get('/api/booker/bookings?start=2025-11-02&end=2025-11-08&pageSize=501'),
    ).expect(400);
    await authed(request(app).get('/api/booker/bookings?start=2025-11-02')).expect(400);
  });

  it('updates a whole booking (404 for an unknown one) and lists by ExternalReference', async () => {
    const id = (await authed(request(app).post('/api/booker/booking')).send(booking()).expect(201)).body
      .OptimeIndex;
    await authed(request(app).put(`/api/booker/booking/${id}`))
      .send({ ...booking({ Title: 'Moved' }), OptimeIndex: id, Status: 'Confirmed', CreatedBy: 'sync' })
      .expect(200);
    await authed(request(app).put('/api/booker/booking/424242')).send(booking()).expect(404);
    const found = await authed(request(app).get('/api/booker/bookings?externalReference=ref-1')).expect(200);
    expect(found.body.Items.map((b: { Title: string }) => b.Title)).toEqual(['Moved']);
  });

  it('lets people cancel, delete and add bookings in-process', () => {
    const [first, second] = term.quirks.foreignBookings;
    simulator.cancelByHand(first);
    expect(simulator.booking(first)?.Status).toBe('Cancelled');
    simulator.deleteByHand(second);
    expect(simulator.booking(second)).toBeUndefined();
    const id = simulator.addForeignBooking(booking({ ExternalReference: null }));
    expect(simulator.booking(id)?.CreatedBy).toBe('someone.else');
  });
});
