import { type CalendarDate, calendarDateOf } from './calendar.util.js';

/** The time, injected, so that expiry, reminders and quote validity can be tested on any day. */
export abstract class Clock {
  abstract now(): Date;

  today(): CalendarDate {
    return calendarDateOf(this.now());
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests set by hand. */
export class FixedClock extends Clock {
  constructor(private instant: Date) {
    super();
  }

  now(): Date {
    return new Date(this.instant);
  }

  set(instant: Date | string): void {
    this.instant = new Date(instant);
  }
}
