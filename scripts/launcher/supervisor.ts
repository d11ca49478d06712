/**
 * Keeps one part of the app running (web, worker, embedded Postgres): when it ends without being
 * asked to, it is started again after the back-off of `restart-policy.ts`; on a crash loop the
 * supervisor gives up and says why in one line (the launcher then stops the rest). `stop()` ends
 * it for good: no restart happens during or after shutdown.
 */
import { DEFAULT_RESTART_POLICY, initialRestartState, onCrash, type RestartPolicy, type RestartState } from "./restart-policy";

export interface Instance {
  /** resolves once it has ended, with how ("exit code 1", "killed by SIGKILL") */
  exited: Promise<string>;
  stop: () => Promise<void>;
  /** its last line of output, if any (the reason a process gives when it exits on its own) */
  lastLine?: () => string | undefined;
}

export class Supervisor {
  private current: Instance | undefined;
  private launching: Promise<unknown> | undefined;
  private startedAt = 0;
  private state: RestartState;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly name: string,
    private readonly launch: () => Promise<Instance>,
    private readonly opts: {
      log: (line: string) => void;
      /** called once, with the one line that says why it gave up */
      onGiveUp: (reason: string) => void;
      policy?: RestartPolicy;
    },
  ) {
    this.state = initialRestartState(opts.policy ?? DEFAULT_RESTART_POLICY);
  }

  /** The first start; its failure is the caller's ("cannot start …"), not a crash. */
  async start(): Promise<void> {
    this.startedAt = Date.now();
    this.current = await this.launch();
    this.watch(this.current);
  }

  /** Stop for good: cancels a pending restart, waits for one in progress, stops the running instance. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.launching?.catch(() => {});
    await this.current?.stop();
  }

  private watch(inst: Instance): void {
    void inst.exited.then((how) => {
      if (this.stopping || inst !== this.current) return;
      this.current = undefined;
      const said = how.startsWith("exit code") ? inst.lastLine?.() : undefined;
      return this.crashed(`${how}${said ? ` (last output: ${said})` : ""}`);
    });
  }

  private async crashed(how: string): Promise<void> {
    const { state, decision } = onCrash(this.state, this.startedAt, Date.now(), this.opts.policy);
    this.state = state;
    if (decision.action === "give-up") {
      this.opts.onGiveUp(`${this.name} keeps crashing, ${decision.reason}; last: ${how}`);
      return;
    }
    this.opts.log(`${this.name} ended unexpectedly (${how}); restarting in ${decision.delayMs / 1000} s`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, decision.delayMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    if (this.stopping) return;
    this.startedAt = Date.now();
    let failure: Error | undefined;
    const relaunch = (async () => {
      try {
        const inst = await this.launch();
        if (this.stopping) return await inst.stop(); // stop() came while it was starting
        this.current = inst;
        this.opts.log(`${this.name} restarted`);
        this.watch(inst);
      } catch (err) {
        failure = err as Error;
      }
    })();
    this.launching = relaunch;
    await relaunch;
    this.launching = undefined;
    if (failure && !this.stopping) return this.crashed(`could not start: ${failure.message}`);
  }
}
