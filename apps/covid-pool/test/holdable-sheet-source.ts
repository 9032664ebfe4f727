import type { SheetSource } from '../src/sheet/sheet-source.js';
import type { RawWorkbook } from '../src/sheet/sheet.types.js';

interface Hold {
  arrived: () => void;
  gate: Promise<void>;
}

/**
 * Wraps the real sheet source so a test can stop an import inside its run (lock held, sheet being
 * read) and let it go when it chooses: concurrency tests without sleeping and hoping.
 */
export class HoldableSheetSource implements SheetSource {
  private readonly holds = new Map<string, Hold>();

  constructor(private readonly inner: SheetSource) {}

  /**
   * Reads of `spreadsheetId` wait until `release()`. `arrived` resolves once a read is waiting (the
   * import holding its run lock by then).
   */
  hold(spreadsheetId: string): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let open!: () => void;
    const arrivedPromise = new Promise<void>((resolve) => (arrived = resolve));
    const gate = new Promise<void>((resolve) => (open = resolve));
    this.holds.set(spreadsheetId, { arrived, gate });
    return {
      arrived: arrivedPromise,
      release: () => {
        this.holds.delete(spreadsheetId);
        open();
      },
    };
  }

  async read(spreadsheetId: string): Promise<RawWorkbook> {
    const hold = this.holds.get(spreadsheetId);
    if (hold !== undefined) {
      hold.arrived();
      await hold.gate;
    }
    return this.inner.read(spreadsheetId);
  }
}
