import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SMTPSentMessageInfo, Transporter } from 'nodemailer';
import { NOTIFICATION_OPTIONS, type ResolvedNotificationOptions } from './notifications.options.js';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
}

/** The SMTP server, through nodemailer: one connection per message, every step under a timeout. */
@Injectable()
export class SmtpMailer implements OnModuleDestroy {
  private transport: Transporter<SMTPSentMessageInfo> | undefined;

  constructor(@Inject(NOTIFICATION_OPTIONS) private readonly options: ResolvedNotificationOptions) {}

  get configured(): boolean {
    return this.options.smtpUrl !== undefined;
  }

  /**
   * Resolves with the recipients the server refused when it accepted the message for the others;
   * rejects when the message was not accepted at all (connection, timeout, or every recipient refused).
   */
  async send(email: OutgoingEmail): Promise<{ rejected: string[] }> {
    const timeoutMs = this.options.sendTimeoutMs;
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new Error(`SMTP delivery took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      const info = await (await this.getTransport()).sendMail({ ...email, signal: abort.signal });
      return { rejected: info.rejected };
    } finally {
      clearTimeout(timer);
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  /** nodemailer is loaded on the first delivery, not at boot (an app may never send one). */
  private async getTransport(): Promise<Transporter<SMTPSentMessageInfo>> {
    if (this.options.smtpUrl === undefined) throw new Error('No SMTP server is configured');
    if (this.transport !== undefined) return this.transport;
    const { createTransport } = await import('nodemailer');
    const stepTimeoutMs = Math.min(10_000, this.options.sendTimeoutMs);
    this.transport ??= createTransport(
      {
        url: this.options.smtpUrl,
        connectionTimeout: stepTimeoutMs,
        greetingTimeout: stepTimeoutMs,
        socketTimeout: this.options.sendTimeoutMs,
        dnsTimeout: stepTimeoutMs,
      },
      { from: this.options.from },
    );
    return this.transport;
  }
}
