import { describe, expect, it } from 'vitest';
import { refusal } from '../../testing/refusal.js';
import { seededIds } from '../id-source.js';
import { StatusCatalog } from './agent-status.js';

const ACTIVE_ID = 'a1a1a1a1-0000-4000-8000-000000000001';
const UNAVAILABLE_ID = 'a1a1a1a1-0000-4000-8000-000000000002';

describe('StatusCatalog', () => {
  it('holds the two built-in statuses with the ids it is given, and lists only custom ones as custom', () => {
    const catalog = new StatusCatalog(undefined, { active: ACTIVE_ID, unavailable: UNAVAILABLE_ID });
    expect(catalog.all()).toEqual([
      { id: ACTIVE_ID, name: 'Active on IntelliAssign', emoji: '', builtIn: true },
      { id: UNAVAILABLE_ID, name: 'Unavailable', emoji: '', builtIn: true },
    ]);
    const lunch = catalog.create({ name: '  Lunch ', emoji: '🍔' });
    expect(lunch).toEqual({ id: expect.any(String), name: 'Lunch', emoji: '🍔', builtIn: false });
    expect(catalog.custom()).toEqual([lunch]);
  });

  it('counts only its own "Active on IntelliAssign" as available, not another catalog\'s', () => {
    const catalog = new StatusCatalog();
    const other = new StatusCatalog();
    const custom = catalog.create({ name: 'Meeting' });
    expect(catalog.isActive(catalog.active.id)).toBe(true);
    expect(catalog.isActive(catalog.unavailable.id)).toBe(false);
    expect(catalog.isActive(custom.id)).toBe(false);
    expect(catalog.isActive(other.active.id)).toBe(false);
  });

  it('makes new built-in ids from its id source when given none: random, or drawn from a seed', () => {
    const random = [new StatusCatalog(), new StatusCatalog()];
    const seeded = [new StatusCatalog(seededIds(7)), new StatusCatalog(seededIds(7))];
    expect(random[0]?.active.id).not.toBe(random[1]?.active.id);
    expect(random[0]?.active.id).not.toBe(random[0]?.unavailable.id);
    expect(seeded[0]?.active.id).toBe(seeded[1]?.active.id);
    expect(seeded[0]?.active.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(refusal(() => new StatusCatalog(undefined, { active: ACTIVE_ID, unavailable: ACTIVE_ID }))).toMatchObject({
      kind: 'invalid',
      message: 'built_in_status_ids: the two ids must differ',
    });
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
    const catalog = new StatusCatalog(undefined, { active: ACTIVE_ID, unavailable: UNAVAILABLE_ID });
    const builtIn = {
      kind: 'forbidden',
      code: 'BUILT_IN_STATUS',
      message: 'status_id: built-in statuses cannot be edited or deleted',
    };
    expect(refusal(() => catalog.update(ACTIVE_ID, { name: 'Online' }))).toEqual(builtIn);
    expect(refusal(() => catalog.delete(UNAVAILABLE_ID, 0))).toEqual(builtIn);
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
