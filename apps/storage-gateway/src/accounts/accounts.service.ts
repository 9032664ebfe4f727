import { ForbiddenException, Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type PrismaTx } from '@app/db';
import { type AuditInput, JobRunRepository } from '@app/jobs';
import { type CalendarDate, calendarDateOf, daysBetween } from '../domain/calendar.util.js';
import { Clock } from '../domain/clock.js';
import { isUuid } from '../domain/ids.util.js';
import { OrderTasks } from '../domain/order-tasks.js';
import { APP_NAME, type Person } from '../domain/person.js';
import { conflict, notFound } from '../domain/storage-errors.js';
import { type AccountDetail, type AccountSummary } from './account.types.js';
import { managesAccount, managesProject, roleIn } from './membership.util.js';

const withPeople = {
  product: { select: { code: true, name: true } },
  managers: { select: { email: true }, orderBy: { email: 'asc' } },
  projects: {
    select: {
      id: true,
      name: true,
      members: { select: { email: true, role: true }, orderBy: { email: 'asc' } },
    },
    orderBy: { name: 'asc' },
  },
} satisfies Prisma.StorageAccountInclude;

type AccountRow = Prisma.StorageAccountGetPayload<{ include: typeof withPeople }>;

/** Whose accounts are whose, and the changes their owners and managers make to them. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: JobRunRepository,
    private readonly clock: Clock,
    private readonly tasks: OrderTasks,
  ) {}

  /**
   * The accounts a person belongs to in any role, newest first. Their ids come from one statement of
   * three index lookups (owner, Data Manager, project member), so the cost follows the person's
   * accounts, not all of them; then one statement per relation, whatever their number.
   */
  async listMine(person: Person): Promise<AccountSummary[]> {
    const today = this.clock.today();
    const ids = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM storage.account WHERE owner_email = ${person.email}
      UNION SELECT account_id FROM storage.account_manager WHERE email = ${person.email}
      UNION SELECT p.account_id FROM storage.project p
              JOIN storage.project_member m ON m.project_id = p.id
             WHERE m.email = ${person.email}`;
    if (ids.length === 0) return [];
    const rows = await this.prisma.storageAccount.findMany({
      where: { id: { in: ids.map((r) => r.id) } },
      include: withPeople,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });
    return rows.map((row) => summary(row, person, today));
  }

  /** One account, for its members and administrators; anyone else is told there is no such account. */
  async show(person: Person, id: string): Promise<AccountDetail> {
    const row = await this.visible(this.prisma, person, id);
    return detail(row, person, this.clock.today());
  }

  /** The account, when `person` may change it as a whole (owner, Data Manager, administrator). */
  async managed(tx: PrismaTx, person: Person, id: string): Promise<AccountRow> {
    const row = await this.visible(tx, person, id, true);
    if (!person.admin && !managesAccount(roleIn(row, person.email))) throw notFound('account');
    return row;
  }

  async addManager(person: Person, id: string, email: string, reason?: string): Promise<AccountDetail> {
    return this.change(person, id, async (tx, row) => {
      if (row.ownerEmail === email) throw conflict(`${email} is the Data Owner`);
      if (row.managers.some((m) => m.email === email)) return [];
      await tx.storageAccountManager.create({ data: { accountId: id, email } });
      return [
        { action: 'account.manager.add', entityType: 'account', entityId: id, after: { email }, reason },
      ];
    });
  }

  async removeManager(person: Person, id: string, email: string, reason?: string): Promise<AccountDetail> {
    return this.change(person, id, async (tx) => {
      const { count } = await tx.storageAccountManager.deleteMany({ where: { accountId: id, email } });
      if (count === 0) return [];
      return [
        { action: 'account.manager.remove', entityType: 'account', entityId: id, before: { email }, reason },
      ];
    });
  }

  /**
   * Hands the Data Owner role to someone else. Only the owner (or an administrator) may; the previous
   * owner stays on as a Data Manager, so nobody loses access by a slip.
   */
  async handOwnership(person: Person, id: string, newOwner: string, reason?: string): Promise<AccountDetail> {
    return this.change(person, id, async (tx, row) => {
      if (!person.admin && row.ownerEmail !== person.email) {
        throw new ForbiddenException('Only the Data Owner can hand the account on');
      }
      if (row.ownerEmail === newOwner) return [];
      await tx.storageAccount.update({ where: { id }, data: { ownerEmail: newOwner } });
      await tx.storageAccountManager.deleteMany({ where: { accountId: id, email: newOwner } });
      await tx.storageAccountManager.upsert({
        where: { accountId_email: { accountId: id, email: row.ownerEmail } },
        create: { accountId: id, email: row.ownerEmail },
        update: {},
      });
      return [
        {
          action: 'account.owner.change',
          entityType: 'account',
          entityId: id,
          before: { owner: row.ownerEmail },
          after: { owner: newOwner },
          reason,
        },
      ];
    });
  }

  async createProject(person: Person, id: string, name: string): Promise<AccountDetail> {
    return this.change(person, id, async (tx, row) => {
      if (row.projects.some((p) => p.name === name))
        throw conflict(`the account already has a project called ${name}`);
      const project = await tx.storageProject.create({ data: { accountId: id, name } });
      return [
        {
          action: 'project.create',
          entityType: 'project',
          entityId: project.id,
          after: { accountId: id, name },
        },
      ];
    });
  }

  async setProjectMember(
    person: Person,
    id: string,
    projectId: string,
    email: string,
    role: 'manager' | 'user',
  ): Promise<AccountDetail> {
    return this.change(
      person,
      id,
      async (tx, row) => {
        const project = row.projects.find((p) => p.id === projectId);
        if (project === undefined) throw notFound('project');
        const before = project.members.find((m) => m.email === email);
        if (before?.role === role) return [];
        await tx.storageProjectMember.upsert({
          where: { projectId_email: { projectId, email } },
          create: { projectId, email, role },
          update: { role },
        });
        return [
          {
            action: before === undefined ? 'project.member.add' : 'project.member.role',
            entityType: 'project',
            entityId: projectId,
            before: before === undefined ? undefined : { email, role: before.role },
            after: { email, role },
          },
        ];
      },
      projectId,
    );
  }

  async removeProjectMember(
    person: Person,
    id: string,
    projectId: string,
    email: string,
  ): Promise<AccountDetail> {
    return this.change(
      person,
      id,
      async (tx, row) => {
        if (!row.projects.some((p) => p.id === projectId)) throw notFound('project');
        const { count } = await tx.storageProjectMember.deleteMany({ where: { projectId, email } });
        if (count === 0) return [];
        return [
          { action: 'project.member.remove', entityType: 'project', entityId: projectId, before: { email } },
        ];
      },
      projectId,
    );
  }

  /**
   * One change of an account's people, in one transaction with its audit rows. The account row is
   * locked first, so two changes to one account (two managers at once) queue instead of interleaving.
   * `projectId`: a change a project's own managers may make too.
   */
  private async change(
    person: Person,
    id: string,
    apply: (tx: PrismaTx, row: AccountRow) => Promise<AuditInput[]>,
    projectId?: string,
  ): Promise<AccountDetail> {
    const changed = await this.prisma.$transaction(async (tx) => {
      const row = await this.visible(tx, person, id, true);
      const allowed =
        person.admin ||
        (projectId === undefined
          ? managesAccount(roleIn(row, person.email))
          : managesProject(row, projectId, person.email));
      if (!allowed) throw notFound('account');
      if (row.state === 'closed') throw conflict('the account is closed');
      const events = await apply(tx, row);
      await this.audit.audit(APP_NAME, person.email, null, events, tx);
      return events.length > 0 && row.state !== 'pending';
    });
    // The backend's project groups follow the people: one task per change (the task sends them all as they are then).
    if (changed)
      await this.tasks.enqueue(
        'sync-members',
        { accountId: id },
        `sync-members-${id}-${this.clock.now().getTime()}`,
      );
    return this.show(person, id);
  }

  private async visible(db: PrismaTx, person: Person, id: string, lock = false): Promise<AccountRow> {
    if (!isUuid(id)) throw notFound('account');
    if (lock) await db.$queryRaw`SELECT 1 FROM storage.account WHERE id = ${id}::uuid FOR UPDATE`;
    const row = await db.storageAccount.findUnique({ where: { id }, include: withPeople });
    if (row === null || (!person.admin && roleIn(row, person.email) === null)) throw notFound('account');
    return row;
  }
}

function dateOrNull(value: Date | null): CalendarDate | null {
  return value === null ? null : calendarDateOf(value);
}

function summary(row: AccountRow, person: Person, today: CalendarDate): AccountSummary {
  const expiresOn = dateOrNull(row.expiresOn);
  return {
    id: row.id,
    reference: row.reference,
    name: row.name,
    product: row.product,
    department: { code: row.departmentCode, name: row.departmentName },
    sizeTb: row.sizeTb,
    state: row.state,
    daysToExpiry: expiresOn === null ? null : daysBetween(today, expiresOn),
    startsOn: dateOrNull(row.startsOn),
    expiresOn,
    myRole: roleIn(row, person.email),
  };
}

function detail(row: AccountRow, person: Person, today: CalendarDate): AccountDetail {
  return {
    ...summary(row, person, today),
    owner: row.ownerEmail,
    managers: row.managers.map((m) => m.email),
    projects: row.projects.map((p) => ({
      id: p.id,
      name: p.name,
      managers: p.members.filter((m) => m.role === 'manager').map((m) => m.email),
      users: p.members.filter((m) => m.role === 'user').map((m) => m.email),
    })),
  };
}
