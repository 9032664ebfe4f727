import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import { ADMIN_ROLE, type WebUser } from '@app/auth';
import { Assets, pagesCsp, setPageHeaders, signInFormTargets } from '@app/service';
import { STORAGE_GATEWAY_CONFIG, type StorageGatewayConfig } from '../config.js';
import { renewalWindowDays, StorageSettings } from '../domain/storage-settings.js';
import * as format from './format.util.js';

/** Templates (Eta, every `<%= %>` escaped), beside this file in src/ and in dist/ alike. */
export const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));
/** The pages' own stylesheet and scripts (beside the platform's), served at `/static/<hash>/<name>`. */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** Who is looking, as every page's header shows them; null on an error page before sign-in. */
export interface Viewer {
  name: string;
  email: string;
  admin: boolean;
  csrf: string;
}

export function viewerOf(user: WebUser): Viewer {
  return {
    name: user.name ?? user.email ?? user.subject,
    email: user.email ?? '',
    admin: user.roles.includes(ADMIN_ROLE),
    csrf: user.csrfToken ?? '',
  };
}

/**
 * Renders a page into the layout and sends it with the pages' own headers: a Content-Security-Policy
 * stricter than the API's (no inline script or style at all; forms only to this site and, for
 * sign-out, the sign-in provider), no caching of personal pages.
 */
@Injectable()
export class PagesRenderer {
  private readonly eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true, autoTrim: false });
  private readonly csp: string;
  /** An active account is shown as expiring once it can be renewed (the largest reminder day). */
  private readonly expiringDays: number;

  constructor(
    private readonly assets: Assets,
    @Inject(STORAGE_GATEWAY_CONFIG) config: StorageGatewayConfig,
    settings: StorageSettings,
  ) {
    this.expiringDays = renewalWindowDays(settings);
    this.csp = pagesCsp(signInFormTargets(config.OIDC_ISSUER_URL));
  }

  render(template: string, title: string, viewer: Viewer | null, data: object = {}): string {
    return this.eta.render(template, {
      ...data,
      title,
      viewer,
      f: format,
      expiringDays: this.expiringDays,
      // The platform's stylesheet, then the app's own (what differs).
      css: [this.assets.url('platform.css'), this.assets.url('app.css')],
      script: (name: string) => this.assets.url(name),
    });
  }

  send(
    res: Response,
    template: string,
    title: string,
    viewer: Viewer | null,
    data: object = {},
    status = 200,
  ): void {
    const html = this.render(template, title, viewer, data);
    this.headers(res);
    res.status(status).type('html').send(html);
  }

  headers(res: Response): void {
    setPageHeaders(res, this.csp);
  }
}
