import { describe, expect, it } from 'vitest';
import { refusal } from '../../testing/refusal.js';
import { FaultPlan } from './fault-plan.js';

describe('FaultPlan', () => {
  it('gives faults their defaults: one report failure, endless latency and 503 errors', () => {
    const plan = new FaultPlan();
    expect(plan.add({ type: 'report_failure' })).toMatchObject({ type: 'report_failure', remaining: 1 });
    expect(plan.add({ type: 'latency', ms: 20 })).toMatchObject({ type: 'latency', ms: 20, remaining: null });
    expect(plan.add({ type: 'error' })).toMatchObject({ type: 'error', status: 503, remaining: null });
    expect(plan.all().map((f) => f.type)).toEqual(['report_failure', 'latency', 'error']);
  });

  it('fires a fault on its operation only, or on every operation when it names none', () => {
    const plan = new FaultPlan();
    const named = plan.add({ type: 'error', operation: 'getAgent', count: 5 });
    expect(plan.take('error', 'listAgents')).toBeUndefined();
    expect(plan.take('latency', 'getAgent')).toBeUndefined();
    expect(plan.take('error', 'getAgent')?.id).toBe(named.id);
    const any = plan.add({ type: 'latency', ms: 1 });
    expect(plan.take('latency', 'listAgents')?.id).toBe(any.id);
  });

  it('counts down and removes a fault once its count is used up; an endless one stays', () => {
    const plan = new FaultPlan();
    plan.add({ type: 'report_failure', count: 2 });
    plan.add({ type: 'error', status: 429 });
    expect(plan.take('report_failure')?.remaining).toBe(1);
    expect(plan.take('report_failure')?.remaining).toBe(0);
    expect(plan.take('report_failure')).toBeUndefined();
    for (let i = 0; i < 3; i++) expect(plan.take('error', 'getAgent')?.status).toBe(429);
    expect(plan.all()).toHaveLength(1);
  });

  it('removes one fault by id (not_found otherwise) or all of them', () => {
    const plan = new FaultPlan();
    const fault = plan.add({ type: 'error' });
    plan.add({ type: 'report_failure' });
    expect(refusal(() => plan.remove('nope'))).toEqual({
      kind: 'not_found',
      code: 'FAULT_NOT_FOUND',
      message: 'fault_id: fault not found',
    });
    plan.remove(fault.id);
    expect(plan.all().map((f) => f.type)).toEqual(['report_failure']);
    plan.clear();
    expect(plan.all()).toEqual([]);
  });
});
