import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.js';
import { zhCN } from '../i18n/zh-CN.js';
import { describeCron } from './cron-description.js';

const SHANGHAI = 'Asia/Shanghai';

describe('describeCron in English', () => {
  it.each([
    ['0 9 * * 1', 'every Monday at 09:00 Asia/Shanghai'],
    ['30 8 * * *', 'every day at 08:30 Asia/Shanghai'],
    ['0 9 * * 1-5', 'every Monday to Friday at 09:00 Asia/Shanghai'],
    ['0 9 * * MON-FRI', 'every Monday to Friday at 09:00 Asia/Shanghai'],
    ['0 10 * * 6,0', 'every Saturday and Sunday at 10:00 Asia/Shanghai'],
    ['0 18 * * 1,3,5', 'every Monday, Wednesday and Friday at 18:00 Asia/Shanghai'],
    ['0 8,12,18 * * *', 'every day at 08:00, 12:00 and 18:00 Asia/Shanghai'],
    ['0,30 9 * * *', 'every day at 09:00 and 09:30 Asia/Shanghai'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['* * * * *', 'every minute'],
    ['0 * * * *', 'every hour at :00'],
    ['15,45 * * * *', 'every hour at :15 and :45'],
    ['0 */2 * * *', 'every 2 hours at :00 Asia/Shanghai'],
    ['0 9-17 * * 1-5', 'every Monday to Friday, every hour at :00 from 09:00 to 17:00 Asia/Shanghai'],
    ['*/30 9-17 * * *', 'every 30 minutes from 09:00 to 17:30 Asia/Shanghai'],
    ['0 9-17/4 * * *', 'every day at 09:00, 13:00 and 17:00 Asia/Shanghai'],
    ['0 */5 * * *', 'every day at 00:00, 05:00, 10:00, 15:00 and 20:00 Asia/Shanghai'],
    ['0,30 8-12 * * *', 'every 30 minutes from 08:00 to 12:30 Asia/Shanghai'],
    ['0 0 1 * *', 'on day 1 of every month at 00:00 Asia/Shanghai'],
    ['0 9 1,15 * *', 'on days 1 and 15 of every month at 09:00 Asia/Shanghai'],
    ['0 9 1-7 * *', 'on days 1 to 7 of every month at 09:00 Asia/Shanghai'],
    ['0 0 24 12 *', 'on day 24 of December at 00:00 Asia/Shanghai'],
    ['0 9 1 1,4,7,10 *', 'on day 1 of January, April, July and October at 09:00 Asia/Shanghai'],
    ['0 10 * DEC *', 'every day in December at 10:00 Asia/Shanghai'],
    ['0 9 * 11-12 5', 'every Friday in November and December at 09:00 Asia/Shanghai'],
    ['0 0 9 * * 1', 'every Monday at 09:00 Asia/Shanghai'],
  ])('%s → %s', (cron, words) => {
    expect(describeCron(cron, SHANGHAI, en.console.cron)).toBe(words);
  });

  it.each([
    // Day of month and weekday both set: cron fires on either, which no short phrase says plainly.
    '0 9 1 * 1',
    // Steps that do not divide the hour or the day are uneven at the wrap.
    '*/7 * * * *',
    // Seconds other than 0, and the extensions L, W, #, H.
    '30 0 9 * * *',
    '0 0 L * *',
    '0 9 * * 1#2',
    'H 9 * * *',
    // Too many times to list.
    '5,35 8,12,16,20 * * *',
  ])('falls back to "custom schedule" for %s', (cron) => {
    expect(describeCron(cron, SHANGHAI, en.console.cron)).toBe(`custom schedule: ${cron}`);
  });

  it.each(['61 9 * * *', '0 24 * * *', '0 9 32 * *', '0 9 * 13 *', '0 9 * * 8', '0 9 * * FOO', '5-1 * * * *', '*/0 * * * *', 'not a cron', '', '0 9 * *'])(
    'never phrases an invalid cron (%j) as a schedule',
    (cron) => {
      expect(describeCron(cron, SHANGHAI, en.console.cron)).toBe(`custom schedule: ${cron}`);
    },
  );

  it('trims the cron as the server does', () => {
    expect(describeCron('  0 9 * * 1 ', 'UTC', en.console.cron)).toBe('every Monday at 09:00 UTC');
  });
});

describe('describeCron in Simplified Chinese', () => {
  it.each([
    ['0 9 * * 1', '每周一 09:00（Asia/Shanghai）'],
    ['30 8 * * *', '每天 08:30（Asia/Shanghai）'],
    ['0 9 * * 1-5', '每周一至周五 09:00（Asia/Shanghai）'],
    ['0 18 * * 1,3,5', '每周一、周三和周五 18:00（Asia/Shanghai）'],
    ['0 10 * * 6,0', '每周六和周日 10:00（Asia/Shanghai）'],
    ['0 8,12,18 * * *', '每天 08:00、12:00 和 18:00（Asia/Shanghai）'],
    ['*/15 * * * *', '每 15 分钟'],
    ['* * * * *', '每分钟'],
    ['30 * * * *', '每小时的第 30 分钟'],
    ['0 */2 * * *', '每 2 小时的第 0 分钟（Asia/Shanghai）'],
    ['0 */6 * * *', '每天 00:00、06:00、12:00 和 18:00（Asia/Shanghai）'],
    ['0 9-17 * * 1-5', '每周一至周五 09:00 至 17:00 每小时的第 0 分钟（Asia/Shanghai）'],
    ['*/30 9-17 * * *', '09:00 至 17:30 每 30 分钟（Asia/Shanghai）'],
    ['0 0 1 * *', '每月 1 日 00:00（Asia/Shanghai）'],
    ['0 9 1,15 * *', '每月 1 日和 15 日 09:00（Asia/Shanghai）'],
    ['0 0 24 12 *', '每年 12 月的 24 日 00:00（Asia/Shanghai）'],
    ['0 10 * 12 *', '12 月的每天 10:00（Asia/Shanghai）'],
    ['0 9 * 11-12 5', '11 月和 12 月的每周五 09:00（Asia/Shanghai）'],
  ])('%s → %s', (cron, words) => {
    expect(describeCron(cron, SHANGHAI, zhCN.console.cron)).toBe(words);
  });

  it('falls back to a custom schedule for what it cannot phrase or read', () => {
    expect(describeCron('0 9 1 * 1', SHANGHAI, zhCN.console.cron)).toBe('自定义计划：0 9 1 * 1');
    expect(describeCron('61 9 * * *', SHANGHAI, zhCN.console.cron)).toBe('自定义计划：61 9 * * *');
  });
});
