import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { BroadcastsService } from '../broadcasts/broadcasts.service.js';
import type { BroadcastView } from '../broadcasts/broadcast.types.js';
import { Clock } from '../clock.js';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import { HealthService } from '../health/health.service.js';
import type { HealthView } from '../health/health.types.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type { EllaInstance } from '../instances/instance.types.js';
import { type ReleaseView, toReleaseView } from '../releases/release.types.js';

/** A part of the overview that did not come: its own error, or no answer in time. */
export type Part<T> = { ok: true; value: T } | { ok: false; error: string };

export interface OpenAlert {
  instance: string;
  check: string;
  message: string;
  startedAt: string;
}

/** An instance's open release (in progress, or stopped at a failed step) as the overview shows it. */
export interface OpenRelease {
  id: string;
  version: string;
  status: ReleaseView['status'];
  /** The step to act on next, with its title. */
  nextStep: { number: number; title: string; status: string } | null;
}

export interface InstanceOverview {
  instance: Pick<EllaInstance, 'name' | 'role' | 'primary' | 'ellaUrl'>;
  health: Part<HealthView>;
  broadcasts: Part<BroadcastView[]>;
  alerts: OpenAlert[];
  /** Its open release, null when none (or why it could not be read). */
  release: Part<OpenRelease | null>;
}

export interface Overview {
  at: string;
  windowMinutes: number;
  instances: InstanceOverview[];
  /** Open alerts of instances no longer configured (or the alert table's error). */
  otherAlerts: Part<OpenAlert[]>;
}

/** The longest the overview waits for one instance's part: one down instance must not stall the page. */
export const OVERVIEW_PART_TIMEOUT_MS = 5_000;

/**
 * Every instance at a glance, for the overview that refreshes itself: health (processes, request
 * figures, database, ELLA's API) and active broadcasts of all instances read at once, each part
 * bounded in time, and the monitor's open alerts.
 */
@Injectable()
export class OverviewService {
  private readonly timeoutMs: number;

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly health: HealthService,
    private readonly broadcasts: BroadcastsService,
    private readonly prisma: PrismaService,
    private readonly clock: Clock,
    @Inject(ELLA_OPS_CONFIG) private readonly config: EllaOpsConfig,
  ) {
    this.timeoutMs = Math.min(
      OVERVIEW_PART_TIMEOUT_MS,
      Math.max(config.SUPERVISOR_TIMEOUT_MS, config.ELLA_TIMEOUT_MS) + 500,
    );
  }

  async overview(): Promise<Overview> {
    const now = this.clock.now();
    const alertsPart = within(
      this.prisma.ellaAlert.findMany({ where: { clearedAt: null }, orderBy: { startedAt: 'asc' } }),
      this.timeoutMs,
      'the alert table',
    );
    // Every instance's open release in one bounded read of the app's own table.
    const releasesPart = within(
      this.prisma.ellaRelease.findMany({
        where: { status: { in: ['in_progress', 'failed'] } },
        include: { steps: true },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
      this.timeoutMs,
      'the release table',
    );
    const [alerts, releases, ...instances] = await Promise.all([
      alertsPart,
      releasesPart,
      ...this.registry.instances.map(async (instance): Promise<InstanceOverview> => {
        const [health, broadcasts] = await Promise.all([
          within(this.health.health(instance.name, undefined, now), this.timeoutMs, 'health'),
          within(
            this.broadcasts.list(instance.name, 0).then((list) => list.active),
            this.timeoutMs,
            'broadcasts',
          ),
        ]);
        return {
          instance: {
            name: instance.name,
            role: instance.role,
            primary: instance.primary,
            ellaUrl: instance.ellaUrl,
          },
          health,
          broadcasts,
          alerts: [],
          release: { ok: true, value: null },
        };
      }),
    ]);
    const open: OpenAlert[] = alerts.ok
      ? alerts.value.map((a) => ({
          instance: a.instance,
          check: a.check,
          message: a.message,
          startedAt: a.startedAt.toISOString(),
        }))
      : [];
    const names = new Set(instances.map((i) => i.instance.name));
    for (const item of instances) {
      item.alerts = open.filter((a) => a.instance === item.instance.name);
      if (!releases.ok) {
        item.release = releases;
        continue;
      }
      // One open release per instance (start refuses a second); the newest, should there be more.
      const row = releases.value.find((r) => r.instance === item.instance.name);
      item.release = { ok: true, value: row === undefined ? null : openReleaseOf(toReleaseView(row)) };
    }
    return {
      at: now.toISOString(),
      windowMinutes: this.config.HEALTH_WINDOW_MINUTES,
      instances,
      otherAlerts: alerts.ok ? { ok: true, value: open.filter((a) => !names.has(a.instance)) } : alerts,
    };
  }
}

function openReleaseOf(view: ReleaseView): OpenRelease {
  const next = view.steps.find((s) => s.number === view.nextStep);
  return {
    id: view.id,
    version: view.version,
    status: view.status,
    nextStep: next === undefined ? null : { number: next.number, title: next.title, status: next.status },
  };
}

/** The work's value, or why not: its error, or no answer within `ms` (the work goes on unwatched). */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<Part<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Part<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `${what}: no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value): Part<T> => ({ ok: true, value }),
        (error: unknown): Part<T> => ({ ok: false, error: `${what}: ${messageOf(error)}` }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const response = (error as { getResponse?: () => unknown }).getResponse?.();
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = response.message;
      if (typeof m === 'string') return m;
    }
    return error.message;
  }
  return String(error);
}
