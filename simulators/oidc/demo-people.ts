import type { OidcClient, OidcPerson } from './oidc.simulator.js';

/** The people of the local stack and the tests: one of each kind the apps tell apart. */
export function demoPeople(): OidcPerson[] {
  return [
    { id: 'rr101', name: 'Rosa Researcher', email: 'rr101@uni.example.ac.uk', groups: ['research-staff'] },
    {
      id: 'dm202',
      name: 'Dev Data-Manager',
      email: 'dm202@uni.example.ac.uk',
      groups: ['research-staff', 'storage-data-managers'],
    },
    { id: 'aa303', name: 'Ada Administrator', email: 'aa303@uni.example.ac.uk', groups: ['storage-admins'] },
    // ella-ops: an ELLA developer on duty (operator) and one who is not (viewer).
    { id: 'eo404', name: 'Eli On-Duty', email: 'eo404@uni.example.ac.uk', groups: ['ella-operators'] },
    { id: 'ed505', name: 'Eda Developer', email: 'ed505@uni.example.ac.uk', groups: ['ella-developers'] },
  ];
}

/** Group names the demo people carry, for the apps' local role settings. */
export const DEMO_GROUPS = {
  dataManagers: 'storage-data-managers',
  administrators: 'storage-admins',
  ellaOperators: 'ella-operators',
  ellaViewers: 'ella-developers',
} as const;

/** The local stack's client: a local-only secret, like the GitLab simulator's default token. */
export const LOCAL_CLIENT_ID = 'local-web';
export const LOCAL_CLIENT_SECRET = 'local-web-client-secret';

/** Local apps that sign in through the simulator: storage-gateway (3002) and ella-ops (3006). */
export const LOCAL_WEB_APP_PORTS = [3002, 3006] as const;

/** The local client: every local web app on 127.0.0.1 and localhost (shifted by `portOffset`). */
export function localClient(clientId: string, clientSecret: string, portOffset = 0): OidcClient {
  const origins = LOCAL_WEB_APP_PORTS.flatMap((port) => [
    `http://127.0.0.1:${port + portOffset}`,
    `http://localhost:${port + portOffset}`,
  ]);
  return {
    clientId,
    clientSecret,
    redirectUris: origins.map((origin) => `${origin}/auth/callback`),
    postLogoutRedirectUris: origins.map((origin) => `${origin}/`),
  };
}
