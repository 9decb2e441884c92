import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mostRecentScheduleTime, parseCronSchedule } from './cron-schedule.js';

const at = (iso: string) => Date.parse(iso);
const next = (spec: string, after: string, tz?: string) => new Date(parseCronSchedule(spec, tz).next(at(after))!).toISOString();

describe('cron schedule next activation (robfig/cron standard parser)', () => {
  test('steps and ranges in UTC', () => {
    assert.equal(next('*/15 * * * *', '2024-01-01T00:07:30Z'), '2024-01-01T00:15:00.000Z');
    assert.equal(next('5-10 3 * * *', '2024-01-01T03:10:00Z'), '2024-01-02T03:05:00.000Z');
    assert.equal(next('0 0 1 jan,jul *', '2024-02-01T00:00:00Z'), '2024-07-01T00:00:00.000Z');
  });

  test('an activation is strictly after the given time', () => {
    assert.equal(next('* * * * *', '2024-01-01T00:01:00Z'), '2024-01-01T00:02:00.000Z');
    assert.equal(next('* * * * *', '2024-01-01T00:01:59.999Z'), '2024-01-01T00:02:00.000Z');
  });

  test('descriptors and @every', () => {
    assert.equal(next('@hourly', '2024-01-01T10:59:59Z'), '2024-01-01T11:00:00.000Z');
    assert.equal(next('@daily', '2024-01-01T10:00:00Z'), '2024-01-02T00:00:00.000Z');
    assert.equal(next('@weekly', '2024-09-02T00:00:00Z'), '2024-09-08T00:00:00.000Z');
    assert.equal(next('@yearly', '2024-09-02T00:00:00Z'), '2025-01-01T00:00:00.000Z');
    assert.equal(next('@monthly', '2024-01-31T00:00:00Z'), '2024-02-01T00:00:00.000Z');
    assert.equal(parseCronSchedule('@every 1m30s').next(1_000_500), 1_090_000);
  });

  test('day of month and day of week: OR unless one is a star', () => {
    // 2024-09-01 is a Sunday; 13th or Friday → Friday the 6th
    assert.equal(next('0 0 13 * 5', '2024-09-01T00:00:00Z'), '2024-09-06T00:00:00.000Z');
    assert.equal(next('0 0 13 * *', '2024-09-01T00:00:00Z'), '2024-09-13T00:00:00.000Z');
    // a step over a star is no longer a star: odd days or Monday
    assert.equal(next('0 0 */2 * 1', '2024-09-01T00:00:00Z'), '2024-09-02T00:00:00.000Z');
    assert.equal(next('0 0 * * sun', '2024-09-02T00:00:00Z'), '2024-09-08T00:00:00.000Z');
  });

  test('spec.timeZone and a TZ= prefix', () => {
    assert.equal(next('0 0 * * *', '2024-01-01T00:00:00Z', 'Asia/Tokyo'), '2024-01-01T15:00:00.000Z');
    assert.equal(next('TZ=Asia/Tokyo 0 0 * * *', '2024-01-01T00:00:00Z'), '2024-01-01T15:00:00.000Z');
    assert.equal(next('CRON_TZ=Asia/Kolkata 30 9 * * *', '2024-01-01T00:00:00Z'), '2024-01-01T04:00:00.000Z');
    // weekdays at 09:00 New York across the spring change (10 March 2024): 14:00Z in winter, 13:00Z after
    assert.equal(next('0 9 * * 1-5', '2024-03-08T13:00:00Z', 'America/New_York'), '2024-03-08T14:00:00.000Z');
    assert.equal(next('0 9 * * 1-5', '2024-03-08T15:00:00Z', 'America/New_York'), '2024-03-11T13:00:00.000Z');
  });

  test('DST: a wall time in the spring gap is skipped that day, one in the autumn overlap runs twice', () => {
    assert.equal(next('30 2 * * *', '2024-03-09T08:00:00Z', 'America/New_York'), '2024-03-11T06:30:00.000Z');
    assert.equal(next('30 1 * * *', '2024-11-03T04:00:00Z', 'America/New_York'), '2024-11-03T05:30:00.000Z');
    assert.equal(next('30 1 * * *', '2024-11-03T05:30:00Z', 'America/New_York'), '2024-11-03T06:30:00.000Z');
    assert.equal(next('30 1 * * *', '2024-11-03T06:30:00Z', 'America/New_York'), '2024-11-04T06:30:00.000Z');
    // hourly jobs keep firing every real hour through both changes
    assert.equal(next('0 * * * *', '2024-03-10T06:30:00Z', 'America/New_York'), '2024-03-10T07:00:00.000Z');
    assert.equal(next('0 * * * *', '2024-03-10T07:00:00Z', 'America/New_York'), '2024-03-10T08:00:00.000Z');
  });

  test('syntax errors and unknown zones throw', () => {
    assert.throws(() => parseCronSchedule('* * * *'), /expected exactly 5 fields, found 4/);
    assert.throws(() => parseCronSchedule('@fortnightly'), /unrecognized descriptor: @fortnightly/);
    assert.throws(() => parseCronSchedule('61 * * * *'), /invalid range/);
    assert.throws(() => parseCronSchedule('* * * * *', 'Mars/Olympus'), RangeError);
  });

  test('a schedule that never fires within five years gives none', () => {
    assert.equal(parseCronSchedule('0 0 30 2 *').next(at('2024-01-01T00:00:00Z')), undefined);
  });
});

describe('mostRecentScheduleTime', () => {
  const everyMinute = parseCronSchedule('* * * * *');
  test('the latest missed activation and how many were missed', () => {
    assert.deepEqual(mostRecentScheduleTime(everyMinute, at('2024-01-01T10:00:00Z'), at('2024-01-01T10:05:30Z')), { time: at('2024-01-01T10:05:00Z'), missed: 5 });
  });
  test('none due yet', () => {
    assert.deepEqual(mostRecentScheduleTime(everyMinute, at('2024-01-01T10:00:00Z'), at('2024-01-01T10:00:59Z')), { missed: 0 });
  });
  test('counting stops at the cap', () => {
    assert.deepEqual(mostRecentScheduleTime(everyMinute, at('2024-01-01T00:00:00Z'), at('2024-01-02T00:00:00Z'), 101).missed, 101);
  });
});
