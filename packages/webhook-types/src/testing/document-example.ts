/** Test fixture: the `agent_availability` example of `openapi/freshchat.yaml` (the guide's example). */
import type { AgentAvailabilityEvent } from '../webhook-event.js';

/** The example payload, typed so that a schema change that breaks it fails to compile. */
export const documentExample: AgentAvailabilityEvent = {
  actor: { actor_type: 'agent', actor_id: '21fc58b1-9bbe-4891-af50-723576e8d1b3' },
  action: 'agent_availability',
  action_time: '2020-12-08T22:02:48.473Z',
  data: {
    agent_availability: {
      status: 'UNAVAILABLE',
      routing_type: 'INTELLIASSIGN',
      app_id: 'f18dcf5f-338b-421e-b329-3dfd39b068d0',
      agent_id: '21fc58b1-9bbe-4891-af50-723576e8d1b3',
      metadata: { agent_status: { id: '8e755ebf-6921-465d-b713-985a8ad13c04', name: 'Tea break' } },
    },
  },
};

/** A deep copy of the example with a change made by `edit`, for building invalid or varied payloads. */
export function exampleWith(edit: (payload: AgentAvailabilityEvent) => void): AgentAvailabilityEvent {
  const payload = structuredClone(documentExample);
  edit(payload);
  return payload;
}
