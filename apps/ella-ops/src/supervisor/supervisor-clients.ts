import type { EllaInstance } from '../instances/instance.types.js';
import { SupervisorClient } from './supervisor.client.js';

/** One supervisord client per instance, made on first use. */
export class SupervisorClients {
  private readonly clients = new Map<string, SupervisorClient>();

  constructor(
    private readonly options: { timeoutMs: number; actionTimeoutMs?: number; readAttempts: number },
  ) {}

  for(instance: EllaInstance): SupervisorClient {
    let client = this.clients.get(instance.name);
    if (client === undefined) {
      client = new SupervisorClient({
        instance: instance.name,
        url: instance.supervisorUrl,
        username: instance.supervisorUsername,
        password: instance.supervisorPassword,
        timeoutMs: this.options.timeoutMs,
        actionTimeoutMs: this.options.actionTimeoutMs,
        readAttempts: this.options.readAttempts,
      });
      this.clients.set(instance.name, client);
    }
    return client;
  }
}
