// Test-only: harnesses, typed fakes and seeded data for specs (benchmarks and simulators run from
// dist/, where this library is not built). Never imported by production code (lint forbids it) and
// left out of dist/ by the build.
export { fake } from './fake.js';
export {
  startTestApp,
  type SimulatorSet,
  type TestApp,
  type TestAppContext,
  type TestAppOptions,
} from './test-app.js';
export {
  closedSmtpUrl,
  type ReceivedEmail,
  startTestSmtpServer,
  type TestSmtpServer,
} from './smtp-server.js';
export { createNotifications, type NotificationsHarness, recordingLogger } from './notifications.harness.js';
export { AuthTestController, createAuthTestApp } from './auth-app.harness.js';
export * from './seeded-data.js';
export {
  AUDIENCE,
  callWithToken,
  FakeGoogleKeys,
  GoogleKeysSimulator,
  JOB_EMAIL,
  jwkOf,
  type KeyPair,
  OPERATOR_EMAIL,
  SUBJECT,
  type TokenSpec,
} from './google-keys.fixture.js';
export { type BrowserRequest, type BrowserResponse, TestBrowser } from './test-browser.js';
export {
  startTestOidcProvider,
  startWebAuthTestApp,
  TEST_OIDC_CLIENT_ID,
  TEST_OIDC_CLIENT_SECRET,
  type WebAuthTestApp,
  type WebAuthTestAppOptions,
  WebAuthTestController,
} from './web-auth-app.harness.js';
export { CHROMIUM_PATH, launchChromium, openWindow, signInAs, tabTo, withScreenshotsIn } from './chromium.js';
