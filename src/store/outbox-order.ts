// Sequence order must be commit order, or a feed reader who has seen sequence 12 could miss 11
// committing a moment later. Every transaction that appends to the outbox takes this lock right
// before its insert and holds it until it commits; appends therefore commit one at a time (they are
// the last statement of short transactions), and reads need no lock at all.
export const OUTBOX_LOCK_SQL = 'SELECT pg_advisory_xact_lock(1197568069)';
