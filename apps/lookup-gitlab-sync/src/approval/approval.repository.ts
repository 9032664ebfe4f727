import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';

export interface ApprovingRun {
  id: string;
  approvedBy: string | null;
  status: string;
}

/** Approvals are runs of the same job whose `parent_id` is the refused run (platform.job_run). */
@Injectable()
export class ApprovalRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The real (not dry) run that approved `refusedRunId`, other than `exceptRunId`; null if none. */
  async findApproval(
    app: string,
    job: string,
    refusedRunId: string,
    exceptRunId?: string,
  ): Promise<ApprovingRun | null> {
    const run = await this.prisma.jobRun.findFirst({
      where: {
        app,
        job,
        parentId: refusedRunId,
        dryRun: false,
        ...(exceptRunId === undefined ? {} : { NOT: { id: exceptRunId } }),
      },
      orderBy: { startedAt: 'asc' },
      select: { id: true, approvedBy: true, status: true },
    });
    return run;
  }
}
