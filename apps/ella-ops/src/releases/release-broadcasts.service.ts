import { HttpException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { type Prisma, PrismaService } from '@app/db';
import { BroadcastsService } from '../broadcasts/broadcasts.service.js';
import { Clock } from '../clock.js';

/** What a release step's broadcast came to: posted now, or the one an earlier attempt posted. */
export interface ReleaseBroadcast {
  message: string;
  broadcastId: number;
  /** An earlier attempt of this step posted it (and then failed, or the app stopped): not posted again. */
  reused?: true;
}

/**
 * The broadcasts of a release (steps 1 and 7 post one, steps 7 and 9 end them). A step posts its
 * broadcast once, however often it is run: the new broadcast's id is written to the step's output
 * before ELLA's transaction commits, so a step that fails after the commit (or an app that stops
 * there) leaves the id behind, and the next attempt finds that broadcast active and keeps it instead
 * of posting a second. An id left by a transaction that did not commit names no broadcast (PostgreSQL
 * never hands a sequence value out twice), so that attempt posts one.
 */
@Injectable()
export class ReleaseBroadcasts {
  constructor(
    private readonly prisma: PrismaService,
    private readonly broadcasts: BroadcastsService,
    private readonly clock: Clock,
  ) {}

  async postOnce(
    instance: string,
    releaseId: bigint,
    number: number,
    message: string,
    why: string,
    actor: string,
  ): Promise<ReleaseBroadcast> {
    const step = { releaseId_number: { releaseId, number } };
    const recorded = await this.prisma.ellaReleaseStep.findUnique({ where: step, select: { output: true } });
    const earlierId = broadcastIdOf(recorded?.output);
    if (earlierId !== undefined) {
      const earlier = await this.broadcasts.find(instance, earlierId);
      // Same id and same text: an id alone could name another broadcast after ELLA's database was
      // restored from a backup (its sequence goes back with it).
      if (earlier?.active === true && earlier.message === message)
        return { message: earlier.message, broadcastId: earlier.id, reused: true };
    }
    const posted = await this.broadcasts.create(
      instance,
      { message, reason: why },
      actor,
      this.clock.now(),
      async (broadcastId) => {
        try {
          await this.prisma.ellaReleaseStep.update({
            where: step,
            data: { output: { message, broadcastId } satisfies ReleaseBroadcast },
          });
        } catch (error) {
          // Not recorded: ELLA's transaction rolls back, so no broadcast is left unknown.
          throw new ServiceUnavailableException(
            `the broadcast could not be recorded with the step: ${(error as Error).message}`,
            { cause: error },
          );
        }
      },
    );
    return { message, broadcastId: posted.id };
  }

  /** Deactivates the release's broadcasts that are still active; one already ended (by hand, by its end time) is fine. */
  async end(name: string, ids: unknown[], why: string, actor: string): Promise<number[]> {
    const ended: number[] = [];
    for (const id of ids) {
      if (typeof id !== 'number') continue;
      try {
        await this.broadcasts.deactivate(name, id, why, actor);
        ended.push(id);
      } catch (error) {
        if (!(error instanceof HttpException && [404, 409].includes(error.getStatus()))) throw error;
      }
    }
    return ended;
  }
}

/** The broadcast id a step's output holds, if any. */
export function broadcastIdOf(output: Prisma.JsonValue | undefined): number | undefined {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return undefined;
  const id = output.broadcastId;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}
