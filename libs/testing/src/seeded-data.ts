// Seeded random data for specs: the generators live beside the simulators (which run from dist/,
// where libs/testing is not built) and are the same ones the simulators' demo data and the
// benchmarks use.
export {
  emailFor,
  FORENAMES,
  mulberry32,
  randomCrsid,
  randomName,
  randomPeople,
  type RandomPerson,
  type SeededRandom,
  seededRandom,
  SURNAMES,
} from '../../../simulators/common/seeded-random.js';
export {
  demoData,
  type GeneratedUsers,
  generateUsers,
  type GenerateUsersOptions,
} from '../../../simulators/gitlab/generate-users.js';
