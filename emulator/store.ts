/**
 * In-memory base connections, partitioned by (IMS org, sandbox): every lookup made on behalf of a request names
 * both, so a connection is invisible (404) from any other org or sandbox.
 */
import type { EmulatorStore, StoredConnection } from "./types";
import { newAdobeUserId, newEtag, newId } from "./ids";

/** Who performs a write: an OAuth client (`<clientId>@AdobeID`) or, out of band, "the UI" (`exc_app`). */
export interface Actor {
  by: string;
  client: string;
}

export function clientActor(clientId: string): Actor {
  return { by: `${clientId}@AdobeID`, client: clientId };
}

/** The Experience Platform UI's client id, as Adobe's docs show on connections created there. */
const UI_CLIENT = "exc_app";

export interface NewConnectionRecord {
  orgId: string;
  sandboxName: string;
  name: string;
  description?: string;
  connectionSpec: { id: string; version: string };
  auth: { specName: string; params: Record<string, unknown> };
}

export interface ConnectionChange {
  name?: string;
  /** `null` removes the description. */
  description?: string | null;
  params?: Record<string, unknown>;
}

export class ConnectionStore implements EmulatorStore {
  /** Map order is creation order, the default list order. */
  private readonly connections = new Map<string, StoredConnection>();
  /** Creation sequence numbers: the tie-breaker that makes every list order total and pages stable. */
  private readonly creationSeq = new Map<string, number>();
  private readonly sandboxIds = new Map<string, string>();
  private nextSeq = 1;
  private readonly uiUser = newAdobeUserId();

  /** `now` is the emulator clock, so connections and the objects built on them share one timeline. */
  constructor(
    private readonly defaultOrgId: string,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- EmulatorStore (the test-facing API; returns copies so tests cannot mutate state by accident) ----

  list(filter: { orgId?: string; sandboxName?: string } = {}): StoredConnection[] {
    return [...this.connections.values()]
      .filter((c) => (filter.orgId === undefined || c.orgId === filter.orgId) && (filter.sandboxName === undefined || c.sandboxName === filter.sandboxName))
      .map(copy);
  }

  get(id: string): StoredConnection | undefined {
    const found = this.connections.get(id);
    return found === undefined ? undefined : copy(found);
  }

  seed(c: Parameters<EmulatorStore["seed"]>[0]): StoredConnection {
    const record: NewConnectionRecord = {
      orgId: c.orgId ?? this.defaultOrgId,
      sandboxName: c.sandboxName ?? "prod",
      name: c.name,
      connectionSpec: { id: c.connectionSpecId, version: "1.0" },
      auth: { specName: c.specName, params: { ...c.params } },
    };
    if (c.description !== undefined) record.description = c.description;
    return copy(this.create(record, { by: this.uiUser, client: UI_CLIENT }));
  }

  modify(id: string, change: { name?: string; description?: string; params?: Record<string, unknown> }): StoredConnection {
    return copy(this.update(this.require(id), change, { by: this.uiUser, client: UI_CLIENT }));
  }

  remove(id: string): boolean {
    this.creationSeq.delete(id);
    return this.connections.delete(id);
  }

  markInUse(id: string, inUse = true): void {
    this.require(id).inUse = inUse;
  }

  setTestResult(id: string, result: boolean): void {
    this.require(id).testResult = result;
  }

  clear(): void {
    this.connections.clear();
    this.creationSeq.clear();
  }

  // ---- used by the request handlers (live objects, partition-aware) ----

  create(record: NewConnectionRecord, actor: Actor): StoredConnection {
    const now = this.now();
    const connection: StoredConnection = {
      id: newId(),
      orgId: record.orgId,
      sandboxName: record.sandboxName,
      sandboxId: this.sandboxId(record.orgId, record.sandboxName),
      name: record.name,
      connectionSpec: { ...record.connectionSpec },
      auth: { specName: record.auth.specName, params: { ...record.auth.params } },
      state: "enabled",
      etag: newEtag(now),
      createdAt: now,
      updatedAt: now,
      createdBy: actor.by,
      updatedBy: actor.by,
      createdClient: actor.client,
      updatedClient: actor.client,
      inUse: false,
      testResult: true,
    };
    if (record.description !== undefined) connection.description = record.description;
    this.connections.set(connection.id, connection);
    this.creationSeq.set(connection.id, this.nextSeq++);
    return connection;
  }

  /** The connection if it exists in this org and sandbox. */
  find(id: string, orgId: string, sandboxName: string): StoredConnection | undefined {
    const found = this.connections.get(id);
    return found !== undefined && found.orgId === orgId && found.sandboxName === sandboxName ? found : undefined;
  }

  /** Every connection of one partition, in creation order (live objects). */
  partition(orgId: string, sandboxName: string): StoredConnection[] {
    return [...this.connections.values()].filter((c) => c.orgId === orgId && c.sandboxName === sandboxName);
  }

  /** Applies a change as one write: new etag, updatedAt and updatedBy. */
  update(connection: StoredConnection, change: ConnectionChange, actor: Actor): StoredConnection {
    if (change.name !== undefined) connection.name = change.name;
    if (change.description === null) delete connection.description;
    else if (change.description !== undefined) connection.description = change.description;
    if (change.params !== undefined) connection.auth = { ...connection.auth, params: { ...change.params } };
    return this.touch(connection, actor);
  }

  /** Records a write that changes nothing visible but the version, e.g. another writer winning a race. */
  touch(connection: StoredConnection, actor: Actor = { by: this.uiUser, client: UI_CLIENT }): StoredConnection {
    const now = Math.max(this.now(), connection.updatedAt);
    connection.etag = newEtag(now, connection.etag);
    connection.updatedAt = now;
    connection.updatedBy = actor.by;
    connection.updatedClient = actor.client;
    return connection;
  }

  delete(id: string): void {
    this.remove(id);
  }

  creationSequence(id: string): number {
    return this.creationSeq.get(id) ?? 0;
  }

  /** A stable id per (org, sandbox), like the sandbox ids Flow Service reports. */
  sandboxId(orgId: string, sandboxName: string): string {
    const key = `${orgId}\u0000${sandboxName}`;
    let id = this.sandboxIds.get(key);
    if (id === undefined) {
      id = newId();
      this.sandboxIds.set(key, id);
    }
    return id;
  }

  private require(id: string): StoredConnection {
    const found = this.connections.get(id);
    if (found === undefined) throw new Error(`No connection with id ${id} in the emulator store`);
    return found;
  }
}

function copy(connection: StoredConnection): StoredConnection {
  return structuredClone(connection);
}
