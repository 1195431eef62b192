import type { ObservedPushState, PushState } from './push-state.js';

/**
 * The notifications control's state machine, UI-free: turning on asks the
 * permission (no time limit: the shopper is reading the prompt), then
 * subscribes within `timeoutMs`; a failure keeps its cause so the control can
 * name it. A subscription that finishes after the time limit is not lost:
 * the control re-reads the real state when it settles.
 */

/** Long enough for a slow push service on a phone network, short enough that nobody waits for nothing. */
export const SUBSCRIBE_TIMEOUT_MS = 15_000;

/** Why subscribing failed: the browser's push service (a DOMException), or the Tidings server (with its error). */
export type PushFailure = { cause: 'push-service'; message: string } | { cause: 'server'; error: unknown };

export interface PushView {
  state: PushState;
  /** Set when `state` is `failed`. */
  failure?: PushFailure;
  /** The permission prompt was closed without an answer: the browser may ask again. */
  dismissed?: boolean;
}

export interface PushControlDeps {
  read(): Promise<ObservedPushState>;
  requestPermission(): Promise<NotificationPermission>;
  /** With the permission granted: subscribe at the push service and tell the server. */
  subscribe(): Promise<ObservedPushState>;
  unsubscribe(): Promise<ObservedPushState>;
  timeoutMs?: number;
}

class TimedOut extends Error {}

function failureOf(error: unknown): PushFailure {
  // The browser's own refusal (no push service reachable, a private window, …) is a DOMException; anything else came from our server.
  return error instanceof DOMException ? { cause: 'push-service', message: error.message } : { cause: 'server', error };
}

export class PushControl {
  private view: PushView = { state: 'off' };
  /** Counts attempts, so a late answer to an older one changes nothing. */
  private attempt = 0;

  constructor(
    private readonly deps: PushControlDeps,
    private readonly onChange: (view: PushView) => void,
  ) {}

  get current(): PushView {
    return this.view;
  }

  /** The state as the browser has it now, e.g. after the site settings changed; leaves an attempt in progress alone. */
  async refresh(): Promise<void> {
    const attempt = this.attempt;
    const state = await this.deps.read();
    if (attempt === this.attempt && this.view.state !== 'subscribing') this.set({ state });
  }

  async turnOn(): Promise<void> {
    const attempt = ++this.attempt;
    this.set({ state: 'subscribing' });
    let permission: NotificationPermission;
    try {
      permission = await this.deps.requestPermission();
    } catch (error) {
      if (attempt === this.attempt) this.set({ state: 'failed', failure: failureOf(error) });
      return;
    }
    if (attempt !== this.attempt) return;
    if (permission !== 'granted') {
      const state = await this.deps.read();
      if (attempt === this.attempt) this.set({ state, dismissed: permission === 'default' });
      return;
    }
    const subscribing = this.deps.subscribe();
    try {
      const state = await withTimeout(subscribing, this.deps.timeoutMs ?? SUBSCRIBE_TIMEOUT_MS);
      if (attempt === this.attempt) this.set({ state });
    } catch (error) {
      if (attempt !== this.attempt) return;
      if (error instanceof TimedOut) {
        this.set({ state: 'timed-out' });
        // It may still finish: then the real state (on, most likely) replaces "took too long".
        subscribing.then(
          () => this.refreshAfter(attempt),
          () => undefined,
        );
      } else {
        this.set({ state: 'failed', failure: failureOf(error) });
      }
    }
  }

  async turnOff(): Promise<void> {
    const attempt = ++this.attempt;
    try {
      const state = await this.deps.unsubscribe();
      if (attempt === this.attempt) this.set({ state });
    } catch (error) {
      if (attempt === this.attempt) this.set({ state: 'failed', failure: failureOf(error) });
    }
  }

  private async refreshAfter(attempt: number): Promise<void> {
    if (attempt !== this.attempt || this.view.state !== 'timed-out') return;
    const state = await this.deps.read();
    if (attempt === this.attempt && this.view.state === 'timed-out') this.set({ state });
  }

  private set(view: PushView): void {
    this.view = view;
    this.onChange(view);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut()), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
