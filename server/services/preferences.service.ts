import type { Logger } from 'pino';
import {
  DEFAULT_PREFERENCES,
  DEFAULT_PREFERENCES_CHANGED_AT,
  type Preferences,
  type PreferencesResponse,
  type PutPreferencesRequest,
} from '../../shared/preferences.schema.js';
import type { Bus } from '../bus/bus.js';
import type { Store, StoredPreferences } from '../store/store.js';
import { deviceTime } from './device-time.js';

export interface PreferencesServiceDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  now?: () => Date;
  /**
   * How long the push path may use preferences it read before. Saves on this
   * instance drop the entry at once; with several instances, a save on
   * another one is seen here within this time.
   */
  cacheMs?: number;
  cacheSize?: number;
}

const NEVER_SAVED: StoredPreferences = { preferences: DEFAULT_PREFERENCES, changedAt: DEFAULT_PREFERENCES_CHANGED_AT };

/** A shopper's notification preferences: one value for all their devices, last writer wins. */
export class PreferencesService {
  private readonly now: () => Date;
  private readonly cacheMs: number;
  private readonly cacheSize: number;
  /** Insertion-ordered, so the first key is the oldest entry to evict. */
  private readonly cache = new Map<string, { preferences: Preferences; until: number }>();

  constructor(private readonly deps: PreferencesServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.cacheMs = deps.cacheMs ?? 10_000;
    this.cacheSize = deps.cacheSize ?? 10_000;
  }

  /** What the shopper saved last, or the defaults (dated at the epoch, so any saved change wins over them). */
  async get(userId: string): Promise<PreferencesResponse> {
    return (await this.deps.store.getPreferences(userId)) ?? NEVER_SAVED;
  }

  async save(userId: string, request: PutPreferencesRequest): Promise<PreferencesResponse> {
    const update = { preferences: request.preferences, changedAt: deviceTime(request.changedAt, this.now()) };
    const { current, appended } = await this.deps.store.savePreferences(userId, update);
    this.cache.delete(userId);
    if (appended) {
      this.deps.bus.publish([appended]).catch((err: unknown) => {
        this.deps.logger.warn({ err }, 'live publish of preferences failed; devices will catch up from the log');
      });
    }
    return { ...current, applied: appended !== undefined };
  }

  /** For the push path, which asks once per push: briefly cached per shopper. */
  async forPush(userId: string): Promise<Preferences> {
    const nowMs = this.now().getTime();
    const cached = this.cache.get(userId);
    if (cached && cached.until > nowMs) return cached.preferences;
    const { preferences } = await this.get(userId);
    this.cache.delete(userId);
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, { preferences, until: nowMs + this.cacheMs });
    return preferences;
  }
}
