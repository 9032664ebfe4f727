import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import type { WebUser } from '@app/auth';
import { Assets, pagesCsp, setPageHeaders, signInFormTargets } from '@app/service';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import * as format from './format.util.js';

/** Templates (Eta, every `<%= %>` escaped), beside this file in src/ and in dist/ alike. */
export const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));
/** The pages' own stylesheet and scripts (beside the platform's), served at `/static/<hash>/<name>`. */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The web roles: viewers read, operators read and act. */
export const VIEWER = 'viewer';
export const OPERATOR = 'operator';

/** Who is looking, as every page's header shows them; null on an error page before sign-in. */
export interface Viewer {
  name: string;
  email: string;
  role: 'operator' | 'viewer' | 'no role';
  /** Only operators see (and may use) the action forms. */
  operator: boolean;
  csrf: string;
}

export function viewerOf(user: WebUser): Viewer {
  const operator = user.roles.includes(OPERATOR);
  return {
    name: user.name ?? user.email ?? user.subject,
    email: user.email ?? '',
    // A person signed in with neither role (who sees only the 403 page) is not called a viewer.
    role: operator ? 'operator' : user.roles.includes(VIEWER) ? 'viewer' : 'no role',
    operator,
    csrf: user.csrfToken ?? '',
  };
}

/**
 * Renders a page into the layout and sends it with the pages' headers (the platform's strict page
 * CSP: no inline script or style, never framed; no caching; `Referrer-Policy: same-origin`).
 */
@Injectable()
export class PagesRenderer {
  private readonly eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true, autoTrim: false });
  private readonly csp: string;

  constructor(
    private readonly assets: Assets,
    @Inject(ELLA_OPS_CONFIG) config: EllaOpsConfig,
  ) {
    this.csp = pagesCsp(signInFormTargets(config.OIDC_ISSUER_URL));
  }

  render(template: string, title: string, viewer: Viewer | null, data: object = {}): string {
    return this.eta.render(template, {
      ...data,
      title,
      viewer,
      f: format,
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
    setPageHeaders(res, this.csp);
    res.status(status).type('html').send(html);
  }

  headers(res: Response): void {
    setPageHeaders(res, this.csp);
  }
}
