/**
 * Where new ids come from. Random by default; a durable sandbox records the ids each request produced and feeds
 * them back on replay, so a restarted sandbox has the same ids as before.
 */
export type IdSource = () => string;

/** Random v4 UUIDs. */
export const randomIds: IdSource = () => crypto.randomUUID();
