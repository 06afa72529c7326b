import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dayKeyIn, dayLabel, timeLabel, fullLabel, dateTimeLabel, startOfLocalDay, addDays, isDayKey, withDaySeparators, zonedParts,
} from '../../../webroot/lib/local-time.js';

// R6.1: times and days as the viewer sees them, with the zone, the locale and "now" injected.

test('R6.1: the local day of an instant depends on the viewer\'s time zone', () => {
  const instant = '2024-05-01T23:30:00Z';
  assert.equal(dayKeyIn(instant, 'UTC'), '2024-05-01');
  assert.equal(dayKeyIn(instant, 'Asia/Tokyo'), '2024-05-02');
  assert.equal(dayKeyIn(instant, 'America/Los_Angeles'), '2024-05-01');
  assert.equal(dayKeyIn('2024-05-02T03:00:00Z', 'America/Los_Angeles'), '2024-05-01');
  assert.equal(dayKeyIn('not a date', 'UTC'), '');
  assert.deepEqual(zonedParts('2024-05-01T23:30:15Z', 'Asia/Kolkata'), { year: 2024, month: 5, day: 2, hour: 5, minute: 0, second: 15 });
});

test('R6.1: day separators say Today and Yesterday by calendar day in the zone, else weekday and date', () => {
  const now = new Date('2024-05-02T10:00:00Z');
  const opts = (timeZone, locale = 'en-GB') => ({ now, timeZone, locale });
  assert.equal(dayLabel('2024-05-02T00:10:00Z', opts('UTC')), 'Today');
  assert.equal(dayLabel('2024-05-01T23:50:00Z', opts('UTC')), 'Yesterday', 'ten minutes before midnight is yesterday');
  assert.equal(dayLabel('2024-05-01T23:50:00Z', opts('Asia/Tokyo')), 'Today', 'in Tokyo it was already the 2nd');
  assert.equal(dayLabel('2024-04-30T23:50:00Z', opts('Asia/Tokyo')), 'Yesterday');
  assert.equal(dayLabel('2024-04-20T12:00:00Z', opts('UTC')), 'Saturday 20 April');
  assert.equal(dayLabel('2024-04-20T12:00:00Z', opts('UTC', 'en-US')), 'Saturday, April 20');
  assert.equal(dayLabel('2023-04-20T12:00:00Z', opts('UTC')), 'Thursday, 20 April 2023', 'another year names it');
  assert.equal(dayLabel('2024-04-20T12:00:00Z', opts('UTC', 'fr-FR')), 'samedi 20 avril', "the viewer's locale");
});

test('R6.1: Yesterday across a daylight-saving change is still one calendar day', () => {
  // Europe/London went to summer time on 31 March 2024: that day had 23 hours.
  const now = new Date('2024-04-01T00:30:00+01:00');
  assert.equal(dayLabel('2024-03-31T00:10:00Z', { now, timeZone: 'Europe/London', locale: 'en-GB' }), 'Yesterday');
  assert.equal(dayLabel('2024-03-30T23:59:00Z', { now, timeZone: 'Europe/London', locale: 'en-GB' }), 'Saturday 30 March');
});

test('R6.1: the time and the full date and time, in the zone and locale', () => {
  const at = '2024-03-12T13:03:07Z';
  assert.equal(timeLabel(at, { timeZone: 'UTC', locale: 'en-GB' }), '13:03');
  assert.equal(timeLabel(at, { timeZone: 'Europe/Paris', locale: 'en-GB' }), '14:03');
  assert.equal(timeLabel(at, { timeZone: 'America/New_York', locale: 'en-US' }), '09:03 AM');
  assert.equal(fullLabel(at, { timeZone: 'Europe/Paris', locale: 'en-GB' }), 'Tuesday, 12 March 2024 at 14:03:07');
  assert.equal(dateTimeLabel(at, { timeZone: 'Europe/Paris', locale: 'en-GB' }), '12 Mar 2024, 14:03');
  assert.equal(timeLabel(null), '');
  assert.equal(fullLabel('garbage'), '');
});

test('R6.1: a separator goes before the first entry of each local day, in the zone', () => {
  const entries = [
    { id: 1, createdAt: '2024-05-01T20:00:00Z' },
    { id: 2, createdAt: '2024-05-01T22:30:00Z' },
    { id: 3, createdAt: '2024-05-02T08:00:00Z' },
  ];
  const now = new Date('2024-05-02T09:00:00Z');
  const shape = (items) => items.map((i) => (i.type === 'day' ? `[${i.label}]` : i.entry.id));
  assert.deepEqual(shape(withDaySeparators(entries, { now, timeZone: 'UTC', locale: 'en-GB' })), ['[Yesterday]', 1, 2, '[Today]', 3]);
  // In Tokyo (UTC+9) entries 2 and 3 fall on 2 May, entry 1 on 2 May too (05:00): one day.
  assert.deepEqual(shape(withDaySeparators(entries, { now, timeZone: 'Asia/Tokyo', locale: 'en-GB' })), ['[Today]', 1, 2, 3]);
  // In Los Angeles (UTC-7) it is 2 May 02:00: entries 1 and 2 were on 1 May, entry 3 at 01:00 today.
  assert.deepEqual(shape(withDaySeparators(entries, { now, timeZone: 'America/Los_Angeles', locale: 'en-GB' })), ['[Yesterday]', 1, 2, '[Today]', 3]);
  // In Honolulu (UTC-10) all three were on 1 May, and it is still 1 May (23:00): all today.
  assert.deepEqual(shape(withDaySeparators(entries, { now, timeZone: 'Pacific/Honolulu', locale: 'en-GB' })), ['[Today]', 1, 2, 3]);
  const keys = withDaySeparators(entries, { now, timeZone: 'UTC' }).filter((i) => i.type === 'day').map((i) => i.key);
  assert.deepEqual(keys, ['day:2024-05-01', 'day:2024-05-02']);
  assert.deepEqual(withDaySeparators([], { now, timeZone: 'UTC' }), []);
});

test("R6.4: a local day's first instant, for date filters, also where midnight does not exist", () => {
  assert.equal(startOfLocalDay('2024-05-01', 'UTC').toISOString(), '2024-05-01T00:00:00.000Z');
  assert.equal(startOfLocalDay('2024-05-01', 'Europe/Paris').toISOString(), '2024-04-30T22:00:00.000Z');
  assert.equal(startOfLocalDay('2024-01-15', 'Europe/Paris').toISOString(), '2024-01-14T23:00:00.000Z');
  assert.equal(startOfLocalDay('2024-05-01', 'Asia/Kolkata').toISOString(), '2024-04-30T18:30:00.000Z');
  assert.equal(startOfLocalDay('2024-03-10', 'America/New_York').toISOString(), '2024-03-10T05:00:00.000Z');
  assert.equal(startOfLocalDay('2024-03-11', 'America/New_York').toISOString(), '2024-03-11T04:00:00.000Z');
  // Santiago moved its clocks from 00:00 to 01:00 on 3 September 2023: the day began at 01:00 (-03).
  assert.equal(startOfLocalDay('2023-09-03', 'America/Santiago').toISOString(), '2023-09-03T04:00:00.000Z');
  // ... and back from 00:00 to 23:00 on 7 April 2024: the 6th ran an hour longer, the 7th began at 00:00 -04.
  assert.equal(startOfLocalDay('2024-04-07', 'America/Santiago').toISOString(), '2024-04-07T04:00:00.000Z');
  assert.equal(startOfLocalDay('2024-02-30', 'UTC'), null);
  assert.equal(startOfLocalDay('', 'UTC'), null);
});

test('R6.4: calendar day arithmetic and validation', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2023-12-31', 1), '2024-01-01');
  assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  assert.equal(addDays('nope', 1), null);
  assert.equal(isDayKey('2024-05-01'), true);
  assert.equal(isDayKey('2024-13-01'), false);
  assert.equal(isDayKey('1/5/2024'), false);
});

test('R6.1: labels made once per instant still follow the zone and the locale asked for', () => {
  const instant = '2024-05-01T23:30:00Z';
  for (let i = 0; i < 3; i += 1) {
    assert.equal(timeLabel(instant, { timeZone: 'UTC', locale: 'en-GB' }), '23:30');
    assert.equal(timeLabel(instant, { timeZone: 'Asia/Tokyo', locale: 'en-GB' }), '08:30');
    assert.match(timeLabel(instant, { timeZone: 'UTC', locale: 'en-US' }), /^11:30\s?PM$/u);
    assert.equal(dayKeyIn(instant, 'UTC'), '2024-05-01');
    assert.equal(dayKeyIn(instant, 'Asia/Tokyo'), '2024-05-02');
    assert.equal(dayKeyIn(new Date(instant), 'Asia/Tokyo'), '2024-05-02', 'a Date and its ISO text alike');
    assert.notEqual(fullLabel(instant, { timeZone: 'UTC', locale: 'en-GB' }), fullLabel(instant, { timeZone: 'UTC', locale: 'fr-FR' }));
    assert.notEqual(dateTimeLabel(instant, { timeZone: 'UTC', locale: 'en-GB' }), dateTimeLabel(instant, { timeZone: 'Asia/Tokyo', locale: 'en-GB' }));
  }
  assert.equal(dayKeyIn('not a time', 'UTC'), '');
  assert.equal(timeLabel(null), '');
});
