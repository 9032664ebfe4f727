import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.js';
import { clientWithPassword } from './iam-auth.js';

export interface DbConnectionOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  /** Asked on each new connection (Cloud SQL IAM login: DATABASE_IAM_AUTH); unset: the URL's password. */
  password?: () => Promise<string>;
}

export const DB_CONNECTION = Symbol('DB_CONNECTION');

/** The one Prisma client of an app: Prisma 7 without a query engine binary, over node-postgres. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DB_CONNECTION) options: DbConnectionOptions) {
    super({
      adapter: new PrismaPg({
        connectionString: options.url,
        max: options.poolSize,
        connectionTimeoutMillis: options.connectTimeoutMs,
        ...(options.password === undefined ? {} : { Client: clientWithPassword(options.password) }),
      }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/** A Prisma interactive-transaction client, for code that takes part in the caller's transaction. */
export type PrismaTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
