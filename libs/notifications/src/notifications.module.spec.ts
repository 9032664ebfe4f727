import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTestDatabase, DbModule, type TestDatabase } from '@app/db';
import { EmailOutbox, NotificationsModule, OutboxDispatcher } from './index.js';

const MAIL_CONFIG = 'MAIL_CONFIG';

@Module({
  providers: [{ provide: MAIL_CONFIG, useValue: { app: 'from-config', smtp: '' } }],
  exports: [MAIL_CONFIG],
})
class MailConfigModule {}

describe('NotificationsModule', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const boot = (notifications: ReturnType<typeof NotificationsModule.forRootAsync>) =>
    Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: db.url,
            poolSize: 2,
            connectTimeoutMs: 5000,
            embeddedDataDir: '.data/unused',
          }),
        }),
        notifications,
      ],
    }).compile();

  it('forRootAsync takes its options from injected providers and exports both services', async () => {
    const moduleRef = await boot(
      NotificationsModule.forRootAsync({
        imports: [MailConfigModule],
        inject: [MAIL_CONFIG],
        useFactory: (config: { app: string; smtp: string }) => ({
          app: config.app,
          smtpUrl: config.smtp,
          from: 'noreply@example.org',
        }),
      }),
    );
    moduleRef.useLogger(false);
    try {
      const { id } = await moduleRef
        .get(EmailOutbox)
        .sendEmail({ to: ['a@example.org'], subject: 's', text: 't' });
      const row = await db.prisma().outboxEmail.findUniqueOrThrow({ where: { id } });
      expect(row.app).toBe('from-config');
      expect(await moduleRef.get(OutboxDispatcher).dispatchDue()).toMatchObject({
        skipped: 'no-smtp',
        pending: 1,
      });
    } finally {
      await moduleRef.close();
    }
  });

  it('fails at boot on invalid options, naming the option and not its value', async () => {
    const attempt = boot(
      NotificationsModule.forRootAsync({
        useFactory: () => ({
          app: 'x',
          from: 'noreply@example.org',
          smtpUrl: 'mail.example.org:25?pass=topsecret',
        }),
      }),
    );
    await expect(attempt).rejects.toThrow(
      'Notifications: option `smtpUrl` must be an smtp:// or smtps:// URL',
    );
  });
});
