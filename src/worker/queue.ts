// The worker's one queue of commands. The run owner (./owner.ts) takes them one at a time and
// runs each to completion before the next, so no two commands ever touch the GPU or the run at
// once. Two rules keep the queue from acting on what the page has already moved past:
// - a newer 'configure' supersedes the queued ones: only the latest configuration is built;
// - a newer 'load-data' supersedes queued loads: only the latest dataset is wanted (a load that
//   reads the last file again with another shape supersedes only such loads: the file it reads
//   must still be loaded).
// Everything else keeps its order, so a command about a run runs before any configuration sent
// after it; one whose run was superseded meanwhile is refused when its turn comes (./owner.ts).

import type { RunsRequest, ToWorker } from './protocol';

/** What the owner queues for itself: a dataset parsed beside the queue, to be put in place in turn; the run's backend probe (./runProbe.ts). */
export type Internal = { type: 'dataset-ready'; request: number; apply: () => void } | { type: 'run-probe' };

/** Everything the page sends but the saved-runs requests (./owner.ts answers those at once), and the owner's own. */
export type Command = Exclude<ToWorker, RunsRequest | { type: 'generate-cancel' }> | Internal;

export class CommandQueue {
  private items: Command[] = [];
  private waiter: (() => void) | null = null;

  get length(): number {
    return this.items.length;
  }

  /** Adds a command, dropping the queued ones it supersedes; returns the ones dropped. */
  push(command: Command): Command[] {
    let dropped: Command[] = [];
    if (command.type === 'configure') {
      dropped = this.items.filter((c) => c.type === 'configure');
    } else if (command.type === 'load-data') {
      const same = command.source.kind === 'same';
      dropped = this.items.filter((c) => c.type === 'load-data' && (!same || c.source.kind === 'same'));
    }
    if (dropped.length) this.items = this.items.filter((c) => !dropped.includes(c));
    this.items.push(command);
    this.wake();
    return dropped;
  }

  shift(): Command | undefined {
    return this.items.shift();
  }

  /** Resolves when a command is queued, or after `ms` (never, when ms is Infinity). */
  waitForCommand(ms = Infinity): Promise<void> {
    if (this.items.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => this.wake(), Math.max(0, ms)) : undefined;
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
