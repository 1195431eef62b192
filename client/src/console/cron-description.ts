import type { Strings } from '../i18n/strings.js';

export type CronWords = Strings['console']['cron'];

/**
 * Puts a cron expression in words ("every Monday at 09:00 Asia/Shanghai"),
 * for the patterns people write: single times or a few, steps of minutes or
 * hours, hour ranges, weekdays, days of the month and months. Anything else
 * (day-of-month and weekday both set, which cron reads as "either", L/W/#,
 * a seconds field other than 0, a step that does not divide its cycle) is
 * "custom schedule: <cron>" rather than a sentence that might be wrong.
 * Whether the cron is valid at all is for `repeatProblems` (shared/) to say.
 */
export function describeCron(cron: string, tz: string, words: CronWords): string {
  return describe(cron.trim(), tz, words) ?? words.custom(cron.trim());
}

/** How many times of day are listed before it reads better as custom. */
const MAX_TIMES = 6;

interface Field {
  min: number;
  max: number;
  names?: readonly string[];
}
const MINUTE: Field = { min: 0, max: 59 };
const HOUR: Field = { min: 0, max: 23 };
const DAY: Field = { min: 1, max: 31 };
const MONTH: Field = { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] };
/** 0 and 7 are both Sunday. */
const WEEKDAY: Field = { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };

function describe(cron: string, tz: string, words: CronWords): string | undefined {
  let parts = cron.split(/\s+/);
  if (parts.length === 6) {
    if (parts[0] !== '0') return undefined;
    parts = parts.slice(1);
  }
  if (parts.length !== 5) return undefined;
  const [minutes, hours, days, months, weekdays] = [
    expand(parts[0]!, MINUTE),
    expand(parts[1]!, HOUR),
    expand(parts[2]!, DAY),
    expand(parts[3]!, MONTH),
    expand(parts[4]!, WEEKDAY),
  ];
  if (!minutes || !hours || !days || !months || !weekdays) return undefined;
  // Monday first, Sunday as 7: "Monday to Friday", "Saturday and Sunday".
  const mondayFirst = unique(weekdays.map((day) => (day === 0 ? 7 : day)));

  const time = timeOfDay(minutes, hours, words);
  const day = dayPart(days, months, mondayFirst, words);
  if (time === undefined || day === undefined) return undefined;
  // "every day at 09:00", but just "every hour at :00": the interval already says how often.
  const on = day ?? (time.kind === 'at' ? words.everyDay : null);
  const text = on === null ? time.text : words.schedule(on, time.text, time.kind);
  // "Every 15 minutes" happens at the same moments in every zone; anything tied to hours or days does not.
  return day === null && hours.length === 24 ? text : words.inZone(text, tz);
}

/** Values of one field, ascending and unique; undefined for what this describer does not read. */
function expand(text: string, field: Field): number[] | undefined {
  const values: number[] = [];
  for (const part of text.split(',')) {
    const match = /^(\*|\?|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(part);
    if (!match) return undefined;
    const [, span, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (span === '*' || span === '?') {
      if (span === '?' && stepText !== undefined) return undefined;
      [from, to] = [field.min, field === WEEKDAY ? 6 : field.max];
    } else {
      const [low, high] = span!.split('-');
      from = valueOf(low!, field);
      // "5/15": from 5 to the end in steps; "5": just 5.
      to = high !== undefined ? valueOf(high, field) : stepText !== undefined ? field.max : from;
    }
    if (from === undefined || to === undefined || from > to) return undefined;
    for (let value = from; value <= to; value += step) values.push(value);
  }
  return unique(values);
}

function valueOf(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (field === MONTH ? 1 : 0);
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}

function unique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

type TimeKind = 'at' | 'interval';

function timeOfDay(minutes: number[], hours: number[], words: CronWords): { text: string; kind: TimeKind } | undefined {
  const allHours = hours.length === 24;
  if (minutes.length * hours.length <= MAX_TIMES) {
    const times = hours.flatMap((hour) => minutes.map((minute) => clock(hour, minute)));
    return { text: words.at(words.list(times)), kind: 'at' };
  }
  const minuteStep = stepOf(minutes, 60);
  if (minuteStep !== undefined && minutes.length > 1) {
    const every = minuteStep === 1 ? words.everyMinute : words.everyMinutes(minuteStep);
    if (allHours) return { text: every, kind: 'interval' };
    if (!isRun(hours)) return undefined;
    return { text: words.between(every, clock(hours[0]!, 0), clock(hours.at(-1)!, minutes.at(-1)!)), kind: 'interval' };
  }
  if (minutes.length > 4) return undefined;
  const marks = words.list(minutes.map((minute) => words.minuteMark(pad(minute))));
  if (allHours) return { text: words.hourlyAt(marks), kind: 'interval' };
  const hourStep = stepOf(hours, 24);
  if (hourStep !== undefined) return { text: words.everyHoursAt(hourStep, marks), kind: 'interval' };
  if (isRun(hours)) {
    return { text: words.between(words.hourlyAt(marks), clock(hours[0]!, minutes[0]!), clock(hours.at(-1)!, minutes.at(-1)!)), kind: 'interval' };
  }
  return undefined;
}

/** n when the values are 0, n, 2n, … through the whole cycle (n divides it); otherwise undefined. */
function stepOf(values: number[], cycle: number): number | undefined {
  const step = values.length > 1 ? values[1]! - values[0]! : cycle;
  if (values[0] !== 0 || cycle % step !== 0 || values.length !== cycle / step) return undefined;
  return values.every((value, index) => value === index * step) ? step : undefined;
}

/** Consecutive values: 9, 10, 11, … */
function isRun(values: number[]): boolean {
  return values.every((value, index) => index === 0 || value === values[index - 1]! + 1);
}

/** The days it runs on; null for every day (nothing to say); undefined when it cannot be put simply. */
function dayPart(days: number[], months: number[], weekdays: number[], words: CronWords): string | null | undefined {
  const allDays = days.length === 31;
  const allMonths = months.length === 12;
  const allWeekdays = weekdays.length === 7;
  const monthText = () => phrase(months, (month) => words.months[month - 1]!, words);
  if (!allDays && !allWeekdays) return undefined; // cron fires on either; no short sentence says that plainly
  if (!allWeekdays) {
    const on = phrase(weekdays, (day) => words.weekdays[day % 7]!, words);
    return allMonths ? words.onWeekdays(on) : words.onWeekdaysIn(on, monthText());
  }
  if (!allDays) {
    const on = phrase(days, words.dayOfMonth, words);
    return allMonths ? words.onDaysOfMonth(on, days.length) : words.onDaysOfMonths(on, days.length, monthText());
  }
  return allMonths ? null : words.everyDayIn(monthText());
}

/** Runs of three or more become ranges ("Monday to Friday"); the rest are listed. */
function phrase(values: number[], name: (value: number) => string, words: CronWords): string {
  const items: string[] = [];
  for (let start = 0; start < values.length; ) {
    let end = start;
    while (end + 1 < values.length && values[end + 1] === values[end]! + 1) end++;
    if (end - start >= 2) items.push(words.range(name(values[start]!), name(values[end]!)));
    else for (let index = start; index <= end; index++) items.push(name(values[index]!));
    start = end + 1;
  }
  return words.list(items);
}

function clock(hour: number, minute: number): string {
  return `${pad(hour)}:${pad(minute)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
