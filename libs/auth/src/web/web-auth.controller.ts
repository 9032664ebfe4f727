import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Logger,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth.decorators.js';
import { crossSiteProblem, csrfProblem } from './csrf.util.js';
import { returnToProblem } from './return-to.util.js';
import { CurrentUser, SignedIn } from './web-auth.decorators.js';
import { SignInRefusedError, SignInUnavailableError } from './web-auth.errors.js';
import type { WebUser } from './web-auth.types.js';
import { nowSeconds, STATE_FORMAT, WebSessions } from './web-sessions.service.js';

/** IAP's documented path that clears its sign-in cookie (served by IAP, in front of the app). */
export const IAP_CLEAR_LOGIN_PATH = '/_gcp_iap/clear_login_cookie';

/**
 * `GET /auth/login?returnTo=/path`, `GET /auth/callback`, `POST /auth/logout`, `GET /auth/me`.
 * Sign-in and sign-out answer redirects for browsers; problems are JSON with a message that says
 * what to do.
 */
@Controller('auth')
export class WebAuthController {
  private readonly logger = new Logger(WebAuthController.name);

  constructor(private readonly sessions: WebSessions) {}

  @Public()
  @Get('login')
  async login(@Req() request: Request, @Res() response: Response): Promise<void> {
    const returnTo = readReturnTo(request.query['returnTo']);
    const oidc = this.sessions.oidc;
    // Behind IAP, the person is signed in before the request reaches us.
    if (oidc === undefined) return response.redirect(302, returnTo);
    const { url, state } = await unavailableAs503(() => oidc.start(returnTo, nowSeconds()), this.logger);
    response.setHeader('Set-Cookie', this.sessions.signInCookieHeader(state));
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, url.href);
  }

  @Public()
  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const oidc = this.sessions.oidc;
    if (oidc === undefined)
      throw new BadRequestException('sign-in is done by IAP here; there is no callback');
    const stateParameter = request.query['state'];
    const state =
      typeof stateParameter === 'string' && STATE_FORMAT.test(stateParameter)
        ? this.sessions.signInState(request, stateParameter)
        : undefined;
    if (state === undefined) {
      throw new BadRequestException(
        'sign-in was not started in this browser, or took longer than 10 minutes: start again at /auth/login',
      );
    }
    // Whatever happens next, this sign-in attempt is over.
    const clearSignIn = this.sessions.clearSignInCookie(state.state);
    response.setHeader('Set-Cookie', clearSignIn);
    const currentUrl = new URL(request.originalUrl, this.sessions.options.baseUrl);
    const person = await unavailableAs503(async () => {
      try {
        return await oidc.finish(currentUrl, state);
      } catch (error) {
        if (error instanceof SignInRefusedError) throw new BadRequestException(error.message);
        throw error;
      }
    }, this.logger);
    const { cookie } = this.sessions.startSession(person);
    response.setHeader('Set-Cookie', [clearSignIn, cookie]);
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, state.returnTo);
  }

  /**
   * Ends the session: the cookie is cleared, and with a provider that can end its own session the
   * browser is sent there (it comes back to `/`). Another site cannot sign people out: a request the
   * browser says comes from elsewhere (`Sec-Fetch-Site` not `same-origin`, or an `Origin` that is not
   * this app) is refused with or without a session, since a cross-site request may come without the
   * session cookie and still have its clearing `Set-Cookie` applied. A request with a live session
   * also needs its CSRF token.
   */
  @Public()
  @Post('logout')
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    const crossSite = crossSiteProblem(request, this.sessions.options.baseUrl);
    if (crossSite !== undefined) throw new ForbiddenException(crossSite);
    const identified = await unavailableAs503(() => this.sessions.identify(request), this.logger);
    if (identified.kind === 'user') {
      const problem = csrfProblem(
        request,
        this.sessions.options.baseUrl,
        identified.sessionKey,
        this.sessions.options.sessionSecrets,
      );
      if (problem !== undefined) throw new ForbiddenException(problem);
    }
    response.setHeader('Set-Cookie', this.sessions.clearSessionCookie());
    response.setHeader('Cache-Control', 'no-store');
    const home = `${this.sessions.options.baseUrl}/`;
    const endSession = await this.sessions.oidc?.endSessionUrl(home).catch((error: unknown) => {
      // Signing out here must not depend on the provider answering.
      this.logger.warn(`could not build the provider's end-session URL: ${String(error)}`);
      return undefined;
    });
    // Behind IAP, IAP's own sign-in cookie is what keeps the person signed in: its endpoint clears it.
    const fallback = this.sessions.oidc === undefined ? IAP_CLEAR_LOGIN_PATH : '/';
    response.redirect(303, endSession?.href ?? fallback);
  }

  @SignedIn()
  @Get('me')
  @Header('Cache-Control', 'no-store')
  me(@CurrentUser() user: WebUser): WebUser {
    return user;
  }
}

function readReturnTo(value: unknown): string {
  if (value === undefined) return '/';
  const problem = typeof value === 'string' ? returnToProblem(value) : 'must be given once, as a path';
  if (problem === undefined) return value as string;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `returnTo ${problem}`,
    problems: [{ field: 'returnTo', message: problem }],
  });
}

async function unavailableAs503<T>(work: () => Promise<T>, logger: Logger): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SignInUnavailableError) {
      logger.error(`${error.message}: ${String(error.cause)}`);
      throw new ServiceUnavailableException(`${error.message}; try again in a moment`);
    }
    throw error;
  }
}
