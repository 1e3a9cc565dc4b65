/** What a server is right now: `primary` (accepts writes) or `standby` (in recovery, read-only). */
export type ServerRole = 'primary' | 'standby';

/** One reading of a server's replication state (one round trip, see {@link ROLE_QUERY}). */
export interface ReplicationSample {
  readonly role: ServerRole;
  /**
   * The timeline the server is on: a primary's WAL insert timeline; a standby's timeline of the WAL it
   * receives (or, with no WAL receiver running, of its last restartpoint). Each promotion starts a new one.
   */
  readonly timeline: number;
  /** A primary's current WAL write position (`pg_current_wal_lsn()`), as `X/Y`. */
  readonly currentLsn?: string | undefined;
  /** A standby's last WAL position received from its primary. */
  readonly receiveLsn?: string | undefined;
  /** A standby's last WAL position replayed (visible to its queries). */
  readonly replayLsn?: string | undefined;
  /**
   * A standby's replay delay, ms: 0 when it has replayed all it received, else how old the last
   * replayed transaction is; undefined when it has received WAL but replayed no transaction yet.
   */
  readonly replayDelayMs?: number | undefined;
  /** Replay paused (`pg_wal_replay_pause()`). */
  readonly replayPaused?: boolean | undefined;
}

/**
 * Role, timeline and replay position in one query. A primary's timeline comes from the name of its
 * current WAL file (`pg_control_checkpoint()` still says the old one until the first checkpoint after a
 * promotion); a standby's from its WAL receiver, else its last restartpoint. Needs no superuser.
 */
export const ROLE_QUERY = `SELECT
  pg_is_in_recovery() AS in_recovery,
  CASE WHEN pg_is_in_recovery()
    THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
    ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline,
  CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn()::text END AS current_lsn,
  CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()::text END AS receive_lsn,
  CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END AS replay_lsn,
  CASE WHEN pg_is_in_recovery() THEN
    CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000 END END AS replay_delay_ms,
  CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused`;

interface RoleRow {
  in_recovery: boolean;
  timeline: number | string | null;
  current_lsn: string | null;
  receive_lsn: string | null;
  replay_lsn: string | null;
  replay_delay_ms: number | string | null;
  replay_paused: boolean | null;
}

const num = (v: number | string | null): number | undefined => (v === null || v === undefined ? undefined : Number(v));

export function parseRoleRow(row: RoleRow): ReplicationSample {
  const delay = num(row.replay_delay_ms);
  return {
    role: row.in_recovery ? 'standby' : 'primary',
    timeline: num(row.timeline) ?? 1,
    ...(row.current_lsn ? { currentLsn: row.current_lsn } : {}),
    ...(row.receive_lsn ? { receiveLsn: row.receive_lsn } : {}),
    ...(row.replay_lsn ? { replayLsn: row.replay_lsn } : {}),
    ...(row.in_recovery ? { replayDelayMs: delay === undefined ? undefined : Math.max(0, delay), replayPaused: row.replay_paused === true } : {}),
  };
}

/** A WAL position (`16/B374D848`) as a number of bytes. */
export function lsnToBigInt(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi ?? '0'}`) << 32n) + BigInt(`0x${lo ?? '0'}`);
}

/** Bytes from `from` to `to` (0 when `to` is not ahead). */
export function lsnBytesBetween(from: string, to: string): number {
  const d = lsnToBigInt(to) - lsnToBigInt(from);
  return d > 0n ? Number(d) : 0;
}
