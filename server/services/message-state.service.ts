import type { Logger } from 'pino';
import type { PostStateRequest, PostStateResponse } from '../../shared/message-state.schema.js';
import { STATE_FIELDS } from '../../shared/message-state-merge.js';
import type { Bus } from '../bus/bus.js';
import type { MessageStateUpdate, Store } from '../store/store.js';
import { deviceTime } from './device-time.js';

export interface MessageStateServiceDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  now?: () => Date;
  /** Told after a change was stored, which may have recorded a `message.read` event for the shop. */
  outbox?: { wake(): void };
}

/** Read, archived and deleted as a shopper's devices change them: stored per field, then told to the other devices. */
export class MessageStateService {
  private readonly now: () => Date;

  constructor(private readonly deps: MessageStateServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async apply(userId: string, request: PostStateRequest): Promise<PostStateResponse> {
    const now = this.now();
    const changes: MessageStateUpdate[] = request.changes.map(({ messageId, state }) => {
      const normalised: MessageStateUpdate['state'] = {};
      for (const field of STATE_FIELDS) {
        const flag = state[field];
        if (flag) normalised[field] = { value: flag.value, at: deviceTime(flag.at, now) };
      }
      return { messageId, state: normalised };
    });
    const { applied, ignored, appended } = await this.deps.store.applyMessageStates(userId, changes);
    if (applied > 0) this.deps.outbox?.wake();
    if (appended.length > 0) {
      // After commit, like messages: a lost publish costs latency, the log still has it.
      this.deps.bus.publish(appended).catch((err: unknown) => {
        this.deps.logger.warn({ err }, 'live publish of state changes failed; devices will catch up from the log');
      });
    }
    return { applied, ignored };
  }
}
