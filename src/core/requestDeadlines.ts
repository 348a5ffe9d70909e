/**
 * The request timeouts of one connection, which stand still while a sign-in runs.
 *
 * A request to an OAuth-protected server may start an interactive sign-in (a 401, or a 403
 * `insufficient_scope` step-up: MCP authorization, "Scope Challenge Handling") and wait for a
 * person at the consent page. That time is not the server's: it is bounded by the sign-in's own
 * limit (the OAuth engine's `timeoutMs`). So while any sign-in of the connection is in progress,
 * no request deadline runs; when the last one ends, every waiting deadline starts again, fresh and
 * full length, for the server's answer to the retried request.
 */

export interface Deadline {
  /** Starts the full length again (e.g. on a progress notification). Nothing happens once expired or cleared. */
  restart(): void;
  clear(): void;
}

export class RequestDeadlines {
  private signIns = 0;
  private readonly running = new Set<DeadlineTimer>();

  /** Whether a sign-in holds the deadlines now. */
  get held(): boolean {
    return this.signIns > 0;
  }

  /**
   * Calls `expire` once `ms` of request time has passed: time spent in sign-ins does not count,
   * and the full `ms` starts again after each sign-in.
   */
  start(ms: number, expire: () => void): Deadline {
    const timer = new DeadlineTimer(ms, () => {
      this.running.delete(timer);
      expire();
    });
    this.running.add(timer);
    if (!this.held) timer.arm();
    return {
      restart: () => {
        if (!this.running.has(timer)) return;
        timer.disarm();
        if (!this.held) timer.arm();
      },
      clear: () => {
        timer.disarm();
        this.running.delete(timer);
      },
    };
  }

  /** Holds every deadline of the connection until `signIn` settles (fulfilled or not). */
  hold(signIn: Promise<unknown>): void {
    if (this.signIns++ === 0) for (const timer of this.running) timer.disarm();
    const release = () => {
      if (--this.signIns === 0) for (const timer of this.running) timer.arm();
    };
    signIn.then(release, release);
  }
}

class DeadlineTimer {
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly ms: number,
    private readonly expire: () => void,
  ) {}

  arm(): void {
    this.disarm();
    this.timer = setTimeout(this.expire, this.ms);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
