import { generateTerm, type GeneratedTerm } from './generate-term.js';

/**
 * The demo term's command-line options, shared by the TermTime and Booker simulators' mains: both
 * build the same term from the same options, so their rooms and buildings agree.
 */
export const TERM_DEMO_OPTIONS = {
  'demo-seed': 'seed of the generated term (default 1); the same seed gives the same term',
  activities: 'activities in the term (default 300; 6000 for the benchmark term)',
  rooms: 'rooms in Booker (default 36; 400 for the benchmark term)',
  weeks: 'weekly events per activity, 1-10 (default 8)',
  quirks: '1 (default): shared room, virtual and roomless activities, bookings by others...; 0: plain data',
} as const;

export function demoTerm(options: Readonly<Record<string, number>>): GeneratedTerm {
  return generateTerm({
    seed: options['demo-seed'],
    activities: options['activities'],
    rooms: options['rooms'],
    weeks: options['weeks'],
    quirks: options['quirks'] === undefined ? undefined : options['quirks'] !== 0,
  });
}
