import { z } from 'zod';
import { createRanker, type Explanation, type Message, type Outcome, type Ranker } from '../../../shared/inbox/ranking.js';
import { applySuggestion, createSuggester, type Suggester, type Suggestion } from '../../../shared/inbox/suggestions.js';
import type { Preferences } from '../../../shared/preferences.schema.js';
import { readSmartInbox, writeSmartInbox } from '../db/smart-inbox.repository.js';
import { REMEMBERED, TaughtOutcomes } from './interactions.js';
import { smartPage } from './smart-page.js';

/**
 * The smart inbox on this device: the ranker and the suggester of
 * shared/inbox/, what they learned restored at start and saved a moment
 * after each lesson (and when the page is hidden), the suggestion on offer,
 * and the two controls of Settings (suggestions on or off, forget
 * everything). Learning happens whatever ordering is chosen, so "Smart" is
 * already useful the first time it is picked. Nothing here is sent anywhere.
 */

export interface SmartInboxDeps {
  loadPreferences: () => Promise<Preferences>;
  /** A change to the preferences as they are when it is written (preferences.service.ts). */
  updatePreferences: (update: (current: Preferences) => Preferences) => Promise<unknown>;
  now?: () => number;
}

/** Lessons come in bursts (a card archived after another): one write for the burst. */
export const SAVE_AFTER_MS = 1_000;

const taughtSchema = z.array(z.tuple([z.string().max(200), z.enum(['opened', 'dismissed', 'ignored'])])).max(REMEMBERED);

export class SmartInbox {
  /** Bumped when the model is replaced (restored, reset): the smart order is recomputed then, not at every lesson, so cards do not move under the shopper's finger. */
  version = 0;
  /** The suggestion on offer, until accepted or declined. */
  suggestion: Suggestion | undefined;
  /** Called after `version`, `suggestion` or `suggestionsOn` changed. */
  onChange: () => void = () => undefined;

  private ranker: Ranker = createRanker();
  private suggester: Suggester = createSuggester();
  private taught = new TaughtOutcomes();
  private timeZone = 'UTC';
  /** Whose inbox the state was restored from: saved only while it still is theirs (smart-inbox.repository.ts). */
  private learnedFor: string | undefined;
  /** Settles when the state is restored; until the first `load`, lessons wait rather than teach a model about to be replaced. */
  private ready: Promise<void>;
  private firstLoaded: () => void = () => undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: SmartInboxDeps) {
    this.now = deps.now ?? Date.now;
    this.ready = new Promise((resolve) => (this.firstLoaded = resolve));
  }

  get suggestionsOn(): boolean {
    return this.suggester.enabled;
  }

  /** Restores what this device learned (at start, and when another shopper signs in). Lessons given meanwhile wait for it. */
  load(): Promise<void> {
    clearTimeout(this.saveTimer);
    const loading = (async () => {
      const [{ state: row, owner }, preferences] = await Promise.all([readSmartInbox(), this.deps.loadPreferences()]);
      this.learnedFor = owner;
      this.timeZone = preferences.timeZone;
      this.ranker = createRanker(row.ranker, { timeZone: this.timeZone });
      this.suggester = createSuggester(row.suggester);
      const taught = taughtSchema.safeParse(row.taught);
      this.taught = new TaughtOutcomes(taught.success ? taught.data : []);
      this.suggestion = undefined;
      this.version += 1;
      this.changed();
    })();
    this.ready = loading;
    void loading.then(this.firstLoaded, this.firstLoaded);
    return loading;
  }

  /** The shopper chose another time zone: hours and weekdays are read there from now on, nothing learned is lost. */
  async setTimeZone(timeZone: string): Promise<void> {
    await this.ready;
    if (timeZone === this.timeZone) return;
    this.timeZone = timeZone;
    this.ranker = createRanker(this.ranker.save(), { timeZone });
  }

  /** The first `limit` rows of the smart order, from the static order's rows (see smart-page.ts). */
  page<T extends Message>(staticRows: readonly T[], limit: number, now: number): T[] {
    return smartPage(this.ranker, staticRows, limit, now);
  }

  explain(message: Message, now: number): Explanation[] {
    return this.ranker.explain(message, now);
  }

  /** One interaction (see interactions.ts for which): learned once per message, then maybe a suggestion. */
  learn(message: Message, outcome: Outcome): Promise<void> {
    return this.ready.then(async () => {
      if (!this.taught.allows(message.id, outcome)) return;
      const now = this.now();
      this.taught.record(message.id, outcome);
      this.ranker.learn(message, outcome, now);
      this.suggester.record(message, outcome, now);
      this.scheduleSave();
      if (outcome !== 'opened' && this.suggestion === undefined) {
        const next = this.suggester.next(await this.deps.loadPreferences(), now);
        if (next) {
          this.suggestion = next;
          this.changed();
        }
      }
    });
  }

  /** Accepting writes the preferences, which sync like any change made in Settings. */
  async accept(): Promise<void> {
    const suggestion = this.suggestion;
    if (!suggestion) return;
    this.suggestion = undefined;
    this.changed();
    await this.deps.updatePreferences((current) => applySuggestion(current, suggestion));
  }

  /** "Not now": not offered again for 30 days, and only on new evidence. */
  async decline(): Promise<void> {
    if (!this.suggestion) return;
    this.suggester.decline(this.suggestion, this.now());
    this.suggestion = undefined;
    this.changed();
    await this.save();
  }

  async setSuggestionsOn(on: boolean): Promise<void> {
    await this.ready;
    this.suggester.setEnabled(on);
    if (!on) this.suggestion = undefined;
    this.changed();
    await this.save();
  }

  /** Forgets everything learned: the smart order is the static order again. The suggestions switch stays as it was. */
  async reset(): Promise<void> {
    await this.ready;
    const suggestionsOn = this.suggester.enabled;
    this.ranker = createRanker(undefined, { timeZone: this.timeZone });
    this.suggester = createSuggester();
    this.suggester.setEnabled(suggestionsOn);
    this.taught = new TaughtOutcomes();
    this.suggestion = undefined;
    this.version += 1;
    this.changed();
    await this.save();
  }

  /** Writes the state now (the page is being hidden, or a control was used); not once the shopper it was learned for has gone. */
  async save(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await writeSmartInbox({ ranker: this.ranker.save(), suggester: this.suggester.save(), taught: this.taught.entries() }, this.learnedFor);
  }

  /** Saves when the page is hidden or left, if a lesson is waiting; call from an `$effect`. Returns the cleanup. */
  saveOnPageHide(): () => void {
    const onHide = () => {
      if (this.saveTimer !== undefined) void this.save();
    };
    addEventListener('pagehide', onHide);
    return () => removeEventListener('pagehide', onHide);
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.save(), SAVE_AFTER_MS);
  }

  private changed(): void {
    this.onChange();
  }
}
