import { describe, expect, it } from 'vitest';
import { refusal } from '../../testing/refusal.js';
import { ACTIVE_STATUS_ID, isActiveStatus, StatusCatalog, UNAVAILABLE_STATUS_ID } from './agent-status.js';

describe('StatusCatalog', () => {
  it('holds the two built-in statuses with their fixed ids, and lists only custom ones as custom', () => {
    const catalog = new StatusCatalog();
    expect(catalog.all()).toEqual([
      { id: ACTIVE_STATUS_ID, name: 'Active on IntelliAssign', emoji: '', builtIn: true },
      { id: UNAVAILABLE_STATUS_ID, name: 'Unavailable', emoji: '', builtIn: true },
    ]);
    const lunch = catalog.create({ name: '  Lunch ', emoji: '🍔' });
    expect(lunch).toEqual({ id: expect.any(String), name: 'Lunch', emoji: '🍔', builtIn: false });
    expect(catalog.custom()).toEqual([lunch]);
  });

  it('counts only "Active on IntelliAssign" as available', () => {
    const catalog = new StatusCatalog();
    const custom = catalog.create({ name: 'Meeting' });
    expect(isActiveStatus(ACTIVE_STATUS_ID)).toBe(true);
    expect(isActiveStatus(UNAVAILABLE_STATUS_ID)).toBe(false);
    expect(isActiveStatus(custom.id)).toBe(false);
  });

  it('keeps names unique whatever their case, and refuses a taken id', () => {
    const catalog = new StatusCatalog();
    catalog.create({ id: 'id-1', name: 'Lunch' });
    expect(refusal(() => catalog.create({ name: 'LUNCH' }))).toEqual({
      kind: 'conflict',
      code: 'STATUS_NAME_TAKEN',
      message: 'name: a status named "LUNCH" exists',
    });
    expect(refusal(() => catalog.create({ id: 'id-1', name: 'Brunch' }))).toEqual({
      kind: 'conflict',
      code: 'STATUS_EXISTS',
      message: 'id: a status with id id-1 exists',
    });
  });

  it('refuses to edit or delete a built-in status (403), and answers 404 for an unknown one', () => {
    const catalog = new StatusCatalog();
    const builtIn = {
      kind: 'forbidden',
      code: 'BUILT_IN_STATUS',
      message: 'status_id: built-in statuses cannot be edited or deleted',
    };
    expect(refusal(() => catalog.update(ACTIVE_STATUS_ID, { name: 'Online' }))).toEqual(builtIn);
    expect(refusal(() => catalog.delete(UNAVAILABLE_STATUS_ID, 0))).toEqual(builtIn);
    expect(refusal(() => catalog.update('nope', { name: 'x' }))).toEqual({
      kind: 'not_found',
      code: 'STATUS_NOT_FOUND',
      message: 'status_id: status not found',
    });
  });

  it('refuses to delete a status agents are on (409), and deletes it once nobody is', () => {
    const catalog = new StatusCatalog();
    const lunch = catalog.create({ name: 'Lunch' });
    expect(refusal(() => catalog.delete(lunch.id, 3))).toEqual({
      kind: 'conflict',
      code: 'STATUS_IN_USE',
      message: 'status_id: 3 agents are on this status',
    });
    catalog.delete(lunch.id, 0);
    expect(catalog.find(lunch.id)).toBeUndefined();
  });

  it('renames and changes the emoji of a custom status', () => {
    const catalog = new StatusCatalog();
    const lunch = catalog.create({ name: 'Lunch' });
    expect(catalog.update(lunch.id, { emoji: '🥪' })).toMatchObject({ name: 'Lunch', emoji: '🥪' });
    expect(catalog.update(lunch.id, { name: 'Late lunch' })).toMatchObject({ name: 'Late lunch', emoji: '🥪' });
    expect(refusal(() => catalog.update(lunch.id, { name: ' ' }))).toEqual({
      kind: 'invalid',
      code: 'INVALID_VALUE',
      message: 'name: must not be blank',
    });
  });
});
