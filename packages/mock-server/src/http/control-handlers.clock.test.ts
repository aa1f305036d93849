import { describe, expect, it } from 'vitest';
import { iso, openSandbox, T0 } from '../testing/sandbox-harness.js';

describe('the clock', () => {
  it('reads the virtual clock and moves it forward', async () => {
    const { control } = openSandbox();

    const before = await control.GET('/_mock/clock');
    const advanced = await control.POST('/_mock/clock/advance', { body: { seconds: 90.5 } });
    const after = await control.GET('/_mock/clock');

    expect(before.data).toEqual({ now: iso(T0), frozen: true });
    expect(advanced.response.status).toBe(200);
    expect(advanced.data).toEqual({ now: iso(T0 + 90_500), frozen: true });
    expect(after.data).toEqual({ now: iso(T0 + 90_500), frozen: true });
  });

  it('accepts exactly ten years', async () => {
    const { control } = openSandbox();
    const { data } = await control.POST('/_mock/clock/advance', { body: { seconds: 315_576_000 } });
    expect(data).toEqual({ now: iso(T0 + 315_576_000_000), frozen: true });
  });

  it.each<[string, unknown, string]>([
    ['zero', { seconds: 0 }, 'seconds: must be > 0'],
    ['a negative number', { seconds: -5 }, 'seconds: must be > 0'],
    ['more than ten years', { seconds: 315_576_001 }, 'seconds: must be <= 315576000'],
    ['a string', { seconds: '10' }, 'seconds: must be number'],
    ['nothing', {}, 'seconds: is required'],
  ])('answers 400 for %s and never moves back', async (_, body, message) => {
    const { control } = openSandbox();
    await control.POST('/_mock/clock/advance', { body: { seconds: 10 } });

    const { error, response } = await control.POST('/_mock/clock/advance', { body: body as never });

    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
    expect((await control.GET('/_mock/clock')).data).toEqual({ now: iso(T0 + 10_000), frozen: true });
  });
});

describe('setting the clock', () => {
  it('reads whether the clock is frozen, freezes and unfreezes it', async () => {
    const { control } = openSandbox({ clock: undefined, clockStart: iso(T0) });
    const before = await control.GET('/_mock/clock');
    expect(before.data?.frozen).toBe(false);

    const frozen = await control.POST('/_mock/clock', { body: { frozen: true } });
    expect(frozen.response.status).toBe(200);
    expect(frozen.data?.frozen).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20)); // real time passes; a frozen clock must not see it
    expect((await control.GET('/_mock/clock')).data).toEqual(frozen.data);

    const thawed = await control.POST('/_mock/clock', { body: { frozen: false } });
    expect(thawed.data).toEqual({ now: frozen.data?.now, frozen: false });
  });

  it('moves the clock to an instant, runs what falls due and answers the clock', async () => {
    const { control, freshchat } = openSandbox({ reportDelaySeconds: 30 });
    const { data: job } = await freshchat.POST('/reports/raw', {
      body: { start: iso(T0 - 3_600_000), end: iso(T0), event: 'Agent-IntelliAssign-Activity', format: 'csv' },
    });
    const id = job?.id as string;

    const set = await control.POST('/_mock/clock', { body: { now: '2030-06-15T12:00:30Z' } });

    expect(set.response.status).toBe(200);
    expect(set.data).toEqual({ now: iso(T0 + 30_000), frozen: true });
    const report = await freshchat.GET('/reports/raw/{id}', { params: { path: { id } } });
    expect(report.data?.status).toBe('COMPLETED');
  });

  it('accepts an offset, sets and freezes in one call, and an empty body changes nothing', async () => {
    const { control } = openSandbox({ clock: undefined, clockStart: iso(T0) });
    const set = await control.POST('/_mock/clock', { body: { now: '2030-06-15T14:00:10+02:00', frozen: true } });
    expect(set.data).toEqual({ now: iso(T0 + 10_000), frozen: true });
    const empty = await control.POST('/_mock/clock', { body: {} });
    expect(empty.data).toEqual({ now: iso(T0 + 10_000), frozen: true });
  });

  it.each<[string, unknown, string]>([
    [
      'an instant before the clock',
      { now: '2030-06-15T11:59:59.999Z' },
      "now: must not be earlier than the clock's time 2030-06-15T12:00:00.000Z; the clock never goes back",
    ],
    ['an instant past year 9999', { now: '+010000-01-01T00:00:00Z' }, 'now: must match format "date-time"'],
    ['a date without a time', { now: '2030-06-16' }, 'now: must match format "date-time"'],
    ['a frozen flag that is not a boolean', { frozen: 'yes' }, 'frozen: must be boolean'],
  ])('answers 400 for %s, naming the field, and changes nothing', async (_, body, message) => {
    const { control } = openSandbox();
    const { error, response } = await control.POST('/_mock/clock', { body: body as never });
    expect(response.status).toBe(400);
    expect(error).toEqual({ code: 400, status: 'INVALID_VALUE', message });
    expect((await control.GET('/_mock/clock')).data).toEqual({ now: iso(T0), frozen: true });
  });

  it('keeps the frozen state and the time across a reset', async () => {
    const { control } = openSandbox();
    await control.POST('/_mock/clock', { body: { now: '2030-06-16T00:00:00Z' } });
    const reset = await control.POST('/_mock/reset');
    expect(reset.data).toEqual({ now: '2030-06-16T00:00:00.000Z', frozen: true });
  });
});
