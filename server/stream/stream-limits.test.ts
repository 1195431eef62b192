import { describe, expect, it } from 'vitest';
import { StreamLimits } from './stream-limits.js';

describe('StreamLimits', () => {
  it('caps per shopper and per IP, gives slots back, and forgets callers with nothing open', () => {
    const limits = new StreamLimits({ maxPerShopper: 2, maxPerIp: 1, upgrades: { perSecond: 0, burst: 1 } });
    expect([limits.admitShopper('u'), limits.admitShopper('u'), limits.admitShopper('u'), limits.admitShopper('v')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    limits.releaseShopper('u');
    expect(limits.admitShopper('u')).toBe(true);
    expect(limits.admitUpgrade('1.2.3.4')).toEqual({ ok: true });
    expect(limits.admitUpgrade('1.2.3.4')).toMatchObject({ ok: false, reason: expect.stringMatching(/open streams/) });
    limits.releaseIp('1.2.3.4');
    expect(limits.admitUpgrade('1.2.3.4')).toEqual({ ok: true });
    for (const user of ['u', 'u', 'v']) limits.releaseShopper(user);
    limits.releaseIp('1.2.3.4');
    const counts = limits as unknown as { perIp: Map<string, number>; perShopper: Map<string, number> };
    expect([counts.perIp.size, counts.perShopper.size]).toEqual([0, 0]);
  });

  it('rate-limits upgrades per IP, telling how long to wait', () => {
    let now = 0;
    const limits = new StreamLimits({ maxPerShopper: 0, maxPerIp: 0, upgrades: { perSecond: 1, burst: 2 } }, () => now);
    expect([limits.admitUpgrade('a').ok, limits.admitUpgrade('a').ok]).toEqual([true, true]);
    expect(limits.admitUpgrade('a')).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(limits.admitUpgrade('b').ok).toBe(true);
    now = 1000;
    expect(limits.admitUpgrade('a').ok).toBe(true);
  });
});
