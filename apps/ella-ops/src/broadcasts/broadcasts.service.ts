import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { EllaAudit } from '../audit/ella-audit.js';
import { EllaDatabases } from '../ella-db/ella-databases.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type { BroadcastBody, BroadcastRow, BroadcastView } from './broadcast.types.js';
import { toBroadcastView } from './broadcast.types.js';

const COLUMNS = 'id, date_created, message, active';

/**
 * ELLA's broadcasts, written to its `broadcast` table as `ella-cli broadcast new|deactivate` would
 * (with a `clilog` row naming the operator and the reason, in the same transaction); an end time is
 * kept here, since ELLA's table has none. Every change is audited.
 */
@Injectable()
export class BroadcastsService {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly databases: EllaDatabases,
    private readonly prisma: PrismaService,
    private readonly audit: EllaAudit,
  ) {}

  async list(name: string, recent: number): Promise<{ active: BroadcastView[]; recent: BroadcastView[] }> {
    const instance = this.registry.get(name);
    const [active, inactive] = await Promise.all([
      this.databases.query<BroadcastRow>(
        instance,
        `SELECT ${COLUMNS} FROM broadcast WHERE active ORDER BY date_created DESC, id DESC`,
      ),
      this.databases.query<BroadcastRow>(
        instance,
        `SELECT ${COLUMNS} FROM broadcast WHERE NOT active ORDER BY date_created DESC, id DESC LIMIT $1`,
        [recent],
      ),
    ]);
    const ends = await this.prisma.ellaBroadcastEnd.findMany({
      where: { instance: name, broadcastId: { in: [...active, ...inactive].map((row) => row.id) } },
    });
    const endOf = (id: number) => ends.find((end) => end.broadcastId === id)?.endsAt ?? null;
    return {
      active: active.map((row) => toBroadcastView(row, endOf(row.id))),
      recent: inactive.map((row) => toBroadcastView(row, endOf(row.id))),
    };
  }

  /** One broadcast as it stands in ELLA's table, or null when there is none with this id. */
  async find(name: string, id: number): Promise<BroadcastView | null> {
    const instance = this.registry.get(name);
    const rows = await this.databases.query<BroadcastRow>(
      instance,
      `SELECT ${COLUMNS} FROM broadcast WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? null : toBroadcastView(row, null);
  }

  /**
   * Posts a broadcast. `beforeCommit`, when given, is called with the new broadcast's id inside ELLA's
   * transaction, before it commits: a caller records the id there, so that a failure after the commit
   * (or a crash) cannot leave a broadcast it does not know of. Should it throw, nothing is posted.
   */
  async create(
    name: string,
    body: BroadcastBody,
    actor: string,
    now: Date,
    beforeCommit?: (broadcastId: number) => Promise<void>,
  ): Promise<BroadcastView> {
    const instance = this.registry.get(name);
    const endsAt = body.endsAt === undefined ? null : new Date(body.endsAt);
    if (endsAt !== null && endsAt.getTime() <= now.getTime()) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The body is not valid: endsAt: must be in the future',
        problems: [{ field: 'endsAt', message: 'must be in the future' }],
      });
    }
    const row = await this.databases.transaction(instance, async (client) => {
      const inserted = await client.query<BroadcastRow>(
        `INSERT INTO broadcast (date_created, message, active) VALUES (now(), $1, true) RETURNING ${COLUMNS}`,
        [body.message],
      );
      const created = inserted.rows[0];
      await this.cliLog(
        client,
        actor,
        'new',
        `broadcast new ${JSON.stringify(body.message)}`,
        body.reason,
        `Broadcast ${created.id} created`,
      );
      if (beforeCommit !== undefined) await beforeCommit(created.id);
      return created;
    });
    if (endsAt !== null) {
      await this.prisma.ellaBroadcastEnd.create({
        data: { instance: name, broadcastId: row.id, endsAt, createdBy: actor },
      });
    }
    const view = toBroadcastView(row, endsAt);
    await this.audit.record(actor, {
      action: 'broadcast.create',
      entityType: 'ella-broadcast',
      entityId: `${name}/${row.id}`,
      after: view,
      reason: body.reason,
    });
    return view;
  }

  async deactivate(name: string, id: number, reason: string, actor: string): Promise<BroadcastView> {
    const instance = this.registry.get(name);
    const row = await this.databases.transaction(instance, async (client) => {
      const found = await client.query<BroadcastRow>(
        `SELECT ${COLUMNS} FROM broadcast WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const current = found.rows[0];
      if (current === undefined) throw new NotFoundException(`instance "${name}" has no broadcast ${id}`);
      if (!current.active)
        throw new ConflictException(`broadcast ${id} of instance "${name}" is already inactive`);
      const updated = await client.query<BroadcastRow>(
        `UPDATE broadcast SET active = false WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      await this.cliLog(
        client,
        actor,
        'deactivate',
        `broadcast deactivate ${id}`,
        reason,
        `Broadcast ${id} deactivated`,
      );
      return updated.rows[0];
    });
    await this.prisma.ellaBroadcastEnd.updateMany({
      where: { instance: name, broadcastId: id, deactivatedAt: null },
      data: { deactivatedAt: new Date() },
    });
    const view = toBroadcastView(row, null);
    await this.audit.record(actor, {
      action: 'broadcast.deactivate',
      entityType: 'ella-broadcast',
      entityId: `${name}/${id}`,
      before: { active: true },
      after: { active: false },
      reason,
    });
    return view;
  }

  /** The row `ella-cli` writes for each logged command. */
  private async cliLog(
    client: { query(sql: string, params: unknown[]): Promise<unknown> },
    actor: string,
    groupCommand: string,
    command: string,
    reason: string,
    output: string,
  ): Promise<void> {
    await client.query(
      `INSERT INTO clilog (time, "user", "group", groupcommand, command, reason, output) VALUES (now(), $1, 'broadcast', $2, $3, $4, $5)`,
      [`ella-ops:${actor}`, groupCommand, command, reason, output],
    );
  }
}
