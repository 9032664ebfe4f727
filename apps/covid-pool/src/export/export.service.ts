import { Injectable, Logger } from '@nestjs/common';
import {
  type ExportFormat,
  type RenderedExport,
  type RenderedExports,
  renderExports,
} from './export-document.util.js';
import { ExportRepository } from './export.repository.js';

export {
  acceptsGzip,
  etagMatches,
  gzipEtag,
  type ExportDocument,
  type RenderedExport,
} from './export-document.util.js';

/**
 * The current pools of every College for the downstream screening system, as JSON or CSV.
 *
 * The export changes only when a transaction changes a College, pool, household or student, and each
 * such transaction bumps the export version. So a request reads that one version row; the serialised
 * export is kept in memory per version and rebuilt (from one consistent snapshot) only when the
 * version moves. Concurrent requests that find it stale share one rebuild. Several instances each
 * keep their own copy, and each checks the shared version, so none serves data older than the
 * version it read after the request arrived.
 */
@Injectable()
export class ExportService {
  private readonly logger = new Logger('Export');
  private cached: RenderedExports | undefined;
  private building: Promise<RenderedExports> | undefined;
  /** The version read in flight, and the one queued behind it for the requests that came meanwhile. */
  private reading: Promise<bigint> | undefined;
  private queuedRead: Promise<bigint> | undefined;

  constructor(private readonly repository: ExportRepository) {}

  async render(format: ExportFormat): Promise<RenderedExport> {
    const current = await this.currentVersion();
    return (await this.atLeast(current))[format];
  }

  /**
   * The version as of a moment after this call began. Requests that arrive while a read is in flight
   * do not join it (it may have been answered before a change they must see committed); they share
   * ONE read that starts when it ends. Under load that is at most two version reads at a time
   * however many requests wait, instead of one pooled connection per request.
   */
  private currentVersion(): Promise<bigint> {
    if (this.reading === undefined) return this.startRead();
    this.queuedRead ??= this.reading
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.queuedRead = undefined;
        return this.startRead();
      });
    return this.queuedRead;
  }

  private startRead(): Promise<bigint> {
    const read = this.repository.readVersion().finally(() => {
      if (this.reading === read) this.reading = undefined;
    });
    this.reading = read;
    return read;
  }

  /** The export at `version` or later: the cached copy, the build in flight, or a new build. */
  private async atLeast(version: bigint): Promise<RenderedExports> {
    for (;;) {
      const cached = this.cached;
      if (cached !== undefined && cached.version >= version) return cached;
      this.building ??= this.build().finally(() => {
        this.building = undefined;
      });
      const built = await this.building;
      // A build whose snapshot was taken before `version` committed is too old for this request:
      // go round once more; the next build's snapshot is taken after, so it is recent enough.
      if (built.version >= version) return built;
    }
  }

  private async build(): Promise<RenderedExports> {
    const started = performance.now();
    const snapshot = await this.repository.readSnapshot();
    const built = await renderExports(snapshot, new Date());
    if (this.cached === undefined || built.version > this.cached.version) this.cached = built;
    this.logger.log(
      `Export version ${built.version} built in ${Math.round(performance.now() - started)} ms ` +
        `(JSON ${built.json.body.length} bytes, ${built.json.gzipped.length} gzipped; ` +
        `CSV ${built.csv.body.length} bytes, ${built.csv.gzipped.length} gzipped)`,
    );
    return built;
  }
}
