import { describe, expect, it } from '@jest/globals';
import type { College } from '@app/db';
import { fake } from '@app/testing';
import type { ExportRepository, ExportSnapshot } from './export.repository.js';
import { ExportService } from './export.service.js';

const college = (id: string, name: string): College => ({
  id,
  name,
  spreadsheetId: `sheet-${id}`,
  active: true,
  contentHash: null,
  importedAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/** A database of one College whose name is the version, with snapshot reads a test can hold. */
class FakeExportDatabase {
  version = 1n;
  snapshots = 0;
  versionReads = 0;
  failNext = false;
  private held: (() => void)[] = [];
  holdSnapshots = false;
  private heldReads: (() => void)[] = [];
  holdVersionReads = false;

  repository = fake<ExportRepository>({
    readVersion: async () => {
      this.versionReads += 1;
      // Answered as of when the read starts, however late the answer arrives.
      const version = this.version;
      if (this.holdVersionReads) await new Promise<void>((release) => this.heldReads.push(release));
      return version;
    },
    readSnapshot: async (): Promise<ExportSnapshot> => {
      this.snapshots += 1;
      // The snapshot is taken when the read starts, as a repeatable-read transaction's would be.
      const version = this.version;
      if (this.holdSnapshots) await new Promise<void>((release) => this.held.push(release));
      if (this.failNext) {
        this.failNext = false;
        throw new Error('read failed');
      }
      return { version, colleges: [college('kings', `King's v${version}`)], sheets: new Map() };
    },
  });

  async releaseVersionReads(): Promise<void> {
    this.holdVersionReads = false;
    while (this.heldReads.length === 0) await new Promise((resolve) => setImmediate(resolve));
    for (const release of this.heldReads.splice(0)) release();
  }

  release(): void {
    this.holdSnapshots = false;
    for (const release of this.held.splice(0)) release();
  }

  async waitForHeldSnapshots(count: number): Promise<void> {
    while (this.held.length < count) await new Promise((resolve) => setImmediate(resolve));
  }
}

const nameIn = (body: Buffer) =>
  (JSON.parse(body.toString('utf8')) as { colleges: { name: string }[] }).colleges[0]?.name;

describe('ExportService', () => {
  it('builds once for many concurrent requests on a cold cache, then serves from memory', async () => {
    const db = new FakeExportDatabase();
    const service = new ExportService(db.repository);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => service.render(i % 2 === 0 ? 'json' : 'csv')),
    );
    expect(db.snapshots).toBe(1);
    expect(new Set(answers.map((a) => a.etag)).size).toBe(2);
    await service.render('json');
    await service.render('csv');
    expect(db.snapshots).toBe(1);
  });

  it('rebuilds once when the version moves, and serves the new data', async () => {
    const db = new FakeExportDatabase();
    const service = new ExportService(db.repository);
    const before = await service.render('json');
    db.version = 2n;
    const after = await Promise.all([service.render('json'), service.render('json')]);
    expect(db.snapshots).toBe(2);
    expect(nameIn(before.body)).toBe("King's v1");
    expect(after.map((a) => nameIn(a.body))).toEqual(["King's v2", "King's v2"]);
    expect(after[0]?.etag).not.toBe(before.etag);
  });

  it('does not hand a request a build that started before the change it saw committed', async () => {
    const db = new FakeExportDatabase();
    const service = new ExportService(db.repository);
    db.holdSnapshots = true;
    const early = service.render('json');
    await db.waitForHeldSnapshots(1);
    // A change commits while the first build's snapshot (at version 1) is still being read.
    db.version = 2n;
    const late = service.render('json');
    db.release();
    expect(nameIn((await early).body)).toBe("King's v1");
    expect(nameIn((await late).body)).toBe("King's v2");
    expect(db.snapshots).toBe(2);
  });

  it('shares one version read among the requests that arrive while another is in flight', async () => {
    const db = new FakeExportDatabase();
    const service = new ExportService(db.repository);
    await service.render('json');
    db.versionReads = 0;
    db.holdVersionReads = true;
    const first = service.render('json');
    const waiting = Array.from({ length: 20 }, () => service.render('json'));
    await db.releaseVersionReads();
    await Promise.all([first, ...waiting]);
    expect(db.versionReads).toBe(2);
  });

  it('never answers a request with a version read that started before it arrived', async () => {
    const db = new FakeExportDatabase();
    const service = new ExportService(db.repository);
    await service.render('json');
    db.holdVersionReads = true;
    const early = service.render('json');
    await new Promise((resolve) => setImmediate(resolve));
    // A change commits while the early request's version read (at version 1) is in flight.
    db.version = 2n;
    const late = service.render('json');
    await db.releaseVersionReads();
    expect(nameIn((await early).body)).toBe("King's v1");
    expect(nameIn((await late).body)).toBe("King's v2");
  });

  it('gives every waiter the failure of a failed build, and the next request builds again', async () => {
    const db = new FakeExportDatabase();
    const service = new ExportService(db.repository);
    db.failNext = true;
    db.holdSnapshots = true;
    const first = service.render('json');
    await db.waitForHeldSnapshots(1);
    const second = service.render('csv');
    // The second request has read the version and waits on the build in flight.
    while (db.versionReads < 2) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    db.release();
    const results = await Promise.allSettled([first, second]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(db.snapshots).toBe(1);
    expect(nameIn((await service.render('json')).body)).toBe("King's v1");
    expect(db.snapshots).toBe(2);
  });
});
