// Runs the storage backend simulator on its own:
// `node dist/simulators/storage-backend/main.js [--port N] [--seed allocations.json]`.
// STORAGE_BACKEND_TOKEN is the bearer token it accepts (required); SIM_CONTROL_TOKEN, when set,
// guards /_sim. Without --seed it starts empty: storage-gateway's provisioning fills it.
import { runSimulatorMain } from '../common/simulator-main.js';
import { type SimAllocation, StorageBackendSimulator } from './storage-backend.simulator.js';

await runSimulatorMain({
  create: (env) => {
    const token = env['STORAGE_BACKEND_TOKEN'];
    if (token === undefined || token.length < 16) {
      throw new Error('STORAGE_BACKEND_TOKEN (at least 16 characters) is required');
    }
    return new StorageBackendSimulator({
      token,
      ...(env['SIM_CONTROL_TOKEN'] ? { controlToken: env['SIM_CONTROL_TOKEN'] } : {}),
    });
  },
  demoSeed: (): SimAllocation[] => [],
  describe: (_simulator, allocations) => ({ apiUrl: '/api/v1', allocations: allocations.length }),
});
