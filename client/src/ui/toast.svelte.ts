/**
 * The one toast at the bottom of the screen: what just happened, with an
 * undo. A newer toast replaces the older one (its undo is gone with it, as
 * in every mail app), and it leaves on its own after a while.
 */
export interface ToastMessage {
  text: string;
  undo?: () => Promise<void>;
}

const VISIBLE_MS = 6_000;

export class Toasts {
  current = $state<ToastMessage | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;

  show(message: ToastMessage): void {
    clearTimeout(this.timer);
    this.current = message;
    this.timer = setTimeout(() => this.dismiss(), VISIBLE_MS);
  }

  dismiss(): void {
    clearTimeout(this.timer);
    this.current = null;
  }

  async undo(): Promise<void> {
    const undo = this.current?.undo;
    this.dismiss();
    await undo?.();
  }
}

export const toasts = new Toasts();
