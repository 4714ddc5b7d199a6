/** The API's own tables (schema `onekey_api` by default), as Kysely sees them. */
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in (DEFAULT now()). */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 comes back as a string from node-postgres and as a number or bigint from PGlite. */
type Int8 = ColumnType<string | number | bigint, string | bigint, string | bigint>;
type Serial8 = ColumnType<string | number | bigint, undefined, never>;

export interface ApiDatabase {
  siwe_nonces: {
    nonce: string;
    created_at: DefaultTimestamp;
    expires_at: Timestamp;
    used_at: Timestamp | null;
  };
  sessions: {
    token_hash: string;
    address: string;
    created_at: DefaultTimestamp;
    expires_at: Timestamp;
    revoked_at: Timestamp | null;
  };
  api_keys: {
    id: string;
    project_id: Int8;
    name: string;
    prefix: string;
    key_hash: string;
    scopes: string[];
    created_by: string;
    created_at: DefaultTimestamp;
    expires_at: Timestamp | null;
    revoked_at: Timestamp | null;
    rotated_from: string | null;
  };
  audit_log: {
    id: Serial8;
    at: DefaultTimestamp;
    actor: string;
    project_id: Int8 | null;
    action: string;
    target: string | null;
    result: string;
    detail: ColumnType<unknown, string | undefined, string>;
    request_id: string | null;
  };
}
