import type { Suggestion } from '../../../shared/inbox/suggestions.js';
import { loadPreferences, updatePreferences } from '../preferences/preferences.service.js';
import { SmartInbox } from './smart-inbox.js';

/** The app's one smart inbox (smart-inbox.ts), with what the screens show of it as runes. */
class SmartInboxState {
  readonly service = new SmartInbox({ loadPreferences, updatePreferences });
  /** Bumped when the model is restored or reset: the smart order is recomputed then. */
  version = $state(0);
  suggestion = $state<Suggestion | undefined>(undefined);
  suggestionsOn = $state(true);

  constructor() {
    this.service.onChange = () => {
      this.version = this.service.version;
      this.suggestion = this.service.suggestion;
      this.suggestionsOn = this.service.suggestionsOn;
    };
  }
}

export const smartInbox = new SmartInboxState();
