/**
 * What happens to the answer of a block/unblock: the connection is closed without an answer
 * (`'drop'`), or another answer is sent in place of GitLab's (a 502 from a proxy, a 200 HTML
 * maintenance page, a 204...). `applied` says whether GitLab made the change first (default true:
 * the request was processed and only its answer lost).
 */
export interface AnswerFault {
  userId?: number;
  action?: 'block' | 'unblock';
  answer: 'drop' | { status: number; body?: unknown; html?: string };
  applied?: boolean;
  /** Requests it applies to; forever when absent. */
  times?: number;
}

/** Defects of the users list: a user repeated on the next page, or pages stopping early. */
export interface PagingDefect {
  /** Each next-page link starts one user early, so the last user of a page comes again on the next. */
  repeatLastUser?: boolean;
  /** The `Link` header is left out after this many pages: the list looks complete but is truncated. */
  stopAfterPages?: number;
}

/** The answer faults of a GitLab simulator, taken in the order they were added. */
export class AnswerFaults {
  private faults: AnswerFault[] = [];

  add(fault: AnswerFault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault matching this block/unblock, used up when its `times` run out. */
  take(userId: number, action: 'block' | 'unblock'): AnswerFault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.userId === undefined || f.userId === userId) && (f.action === undefined || f.action === action),
    );
    if (index === -1) return undefined;
    const fault = this.faults[index];
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(index, 1);
    }
    return fault;
  }
}
