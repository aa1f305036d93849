import type { AgentIntelliAssignActivityRow } from '../schemas.js';

/** The agent id every row of the guide's example report carries. */
export const EXAMPLE_AGENT_ID = 'f3d5cc97-0c87-4ae8-b37b-ecf615a851ec';

/** The rows of the `Agent-IntelliAssign-Activity` example in Freshchat's agent-status guide. */
export const DOCUMENT_ACTIVITY_ROWS: AgentIntelliAssignActivityRow[] = [
  {
    agent_name: 'John Doe',
    agent_id: EXAMPLE_AGENT_ID,
    activity_type: 'active',
    agent_status: 'Active on IntelliAssign',
    agent_status_in_seconds: 210,
    created_at: '2020-01-23T12:04:48.868Z',
  },
  {
    agent_name: 'Matt Gibson',
    agent_id: EXAMPLE_AGENT_ID,
    activity_type: 'inactive',
    agent_status: 'In Break',
    agent_status_in_seconds: 268,
    created_at: '2020-01-23T12:07:18.691Z',
  },
  {
    agent_name: 'Sarah Jones',
    agent_id: EXAMPLE_AGENT_ID,
    activity_type: 'active',
    agent_status: 'Active on IntelliAssign',
    agent_status_in_seconds: 228,
    created_at: '2020-01-23T12:10:46.251Z',
  },
  {
    agent_name: 'Sebastian Ric',
    agent_id: EXAMPLE_AGENT_ID,
    activity_type: 'inactive',
    agent_status: 'Meeting',
    agent_status_in_seconds: 165,
    created_at: '2020-01-23T12:13:02.756Z',
  },
];

/** The same example as the CSV a report part holds. */
export const DOCUMENT_ACTIVITY_CSV = [
  'agent_name,agent_id,activity_type,Agent_Status,Agent_Status_in_seconds,created_at',
  `John Doe,${EXAMPLE_AGENT_ID},active,Active on IntelliAssign,210,2020-01-23T12:04:48.868Z`,
  `Matt Gibson,${EXAMPLE_AGENT_ID},inactive,In Break,268,2020-01-23T12:07:18.691Z`,
  `Sarah Jones,${EXAMPLE_AGENT_ID},active,Active on IntelliAssign,228,2020-01-23T12:10:46.251Z`,
  `Sebastian Ric,${EXAMPLE_AGENT_ID},inactive,Meeting,165,2020-01-23T12:13:02.756Z`,
  '',
].join('\r\n');
