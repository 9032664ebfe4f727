// Test-only: harnesses, typed fakes and seeded data for specs, benchmarks and simulators. Never
// imported by production code (lint forbids it) and left out of dist/ by the build.
export { fake } from './fake.js';
