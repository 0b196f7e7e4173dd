import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * How much V8 lets the heap grow over what survived its last collection (its default adapts, up to 4×).
 * Lower holds RSS closer to its start (20: +17–22% over 500 edits) but costs CPU on every edit (40–55 ms at 20);
 * 50 costs none measurable and keeps the growth to about a third.
 */
export const HEAP_GROWING_PERCENT = 50;
/** After this long with no analysis, garbage left by the last ones is collected. */
export const IDLE_COLLECT_MS = 1_000;
/** An idle collection is worth its pause only when the heap holds this much more than what survived the last one. */
const IDLE_GROWTH_FACTOR = 1.1;

/**
 * Every edit builds a new program and type checker, and the old ones become
 * garbage that V8, far from its heap limit, leaves in place: an editing
 * session's heap (and the server's RSS) doubles within a few dozen edits.
 * The guard tells V8 to collect sooner (its own concurrent collector, so
 * typing never waits for a full pause), and collects fully once the user
 * pauses, so memory stays near what the open documents need.
 */
export class HeapGuard {
  private readonly collect = exposedGc();
  private survivedBytes = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Full collections made while idle, and the time they took. */
  readonly stats = { collections: 0, totalMs: 0 };

  constructor() {
    try {
      v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    } catch {
      // An engine without the flag keeps its own policy.
    }
  }

  /** Whether the guard can collect (V8 allowed exposing `gc`). */
  get active(): boolean {
    return this.collect !== undefined;
  }

  /** An analysis was published: once nothing else has happened for IDLE_COLLECT_MS, collect if worth it. */
  analysed(isIdle: () => boolean): void {
    if (!this.collect) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (isIdle()) this.collectIfGrown();
    }, IDLE_COLLECT_MS);
    this.idleTimer.unref();
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
  }

  private collectIfGrown(): void {
    if (!this.collect) return;
    if (this.survivedBytes > 0 && process.memoryUsage().heapUsed < this.survivedBytes * IDLE_GROWTH_FACTOR) return;
    const started = performance.now();
    this.collect();
    this.stats.totalMs += performance.now() - started;
    this.stats.collections++;
    this.survivedBytes = process.memoryUsage().heapUsed;
  }
}

/** The garbage collector as a function, or undefined when V8 refuses to expose it. */
function exposedGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
