/**
 * API keys of the chosen project: the list (scopes, status, expiry, last use), create with scopes and an
 * expiry (the secret shown once, with a copy button), rotate with a grace period, revoke.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { ApiKey, Scope } from "../api.js";
import { useDashboard } from "../session.js";
import { Failure, SecretOnce, timeOf } from "../ui.js";
import { expiryFrom, graceSecondsFrom, keyFormProblems } from "./api-key-form.js";

const SCOPE_WORDS: Record<Scope, string> = {
  read: "read: project, subjects, consents, budget",
  "webhooks:manage": "webhooks:manage: endpoints, deliveries, replays",
};

export default function ApiKeysScreen() {
  const { api, projectId } = useDashboard();
  const queryClient = useQueryClient();
  const pid = projectId as string;
  const queryKey = ["dashboard", "api-keys", pid];
  const keys = useQuery({ queryKey, queryFn: async () => (await api.apiKeys(pid)).data });
  const [secret, setSecret] = useState<{ label: string; value: string } | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey });

  const rotate = useMutation({
    mutationFn: ({ key, grace }: { key: ApiKey; grace: number }) => api.rotateApiKey(pid, key.id, grace),
    onSuccess: (result) => setSecret({ label: `New secret of “${result.apiKey.name}”`, value: result.key }),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => api.revokeApiKey(pid, key.id),
    onSettled: refresh,
  });
  const [grace, setGrace] = useState("3600");

  return (
    <div data-screen="api-keys">
      <h1>API keys</h1>
      <p className="muted">
        Keys let your backend call the tenant API for this project. A key is shown once, when it is created or rotated.
      </p>
      {secret ? <SecretOnce label={secret.label} secret={secret.value} onDone={() => setSecret(undefined)} /> : null}
      <CreateKeyCard
        onCreated={(name, value) => setSecret({ label: `Secret of “${name}”`, value })}
        onSettled={refresh}
      />
      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        {rotate.error ? <Failure error={rotate.error} onRetry={() => rotate.reset()} /> : null}
        {revoke.error ? <Failure error={revoke.error} onRetry={() => revoke.reset()} /> : null}
        <div className="filters">
          <div>
            <label htmlFor="grace">Grace period when rotating</label>
            <select id="grace" value={grace} onChange={(e) => setGrace(e.target.value)}>
              <option value="0">None: the old key stops now</option>
              <option value="3600">1 hour</option>
              <option value="86400">1 day</option>
              <option value="604800">7 days</option>
            </select>
          </div>
        </div>
        {keys.isPending ? (
          <p role="status">Loading keys…</p>
        ) : keys.error ? (
          <Failure error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.data.length === 0 ? (
          <p>No keys yet. Create one above.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id} data-key-id={key.id} data-status={key.status}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.scopes.join(", ")}</td>
                  <td className={key.status === "active" ? "status-ok" : "status-bad"}>
                    {key.status === "active" && key.revokedAt
                      ? `Active until ${timeOf(key.revokedAt)} (rotated)`
                      : statusWords[key.status]}
                  </td>
                  <td>{timeOf(key.createdAt)}</td>
                  <td>{key.expiresAt ? timeOf(key.expiresAt) : "Never"}</td>
                  <td>{key.lastUsedAt ? timeOf(key.lastUsedAt) : "Not yet"}</td>
                  <td>
                    {key.status === "active" && !key.revokedAt ? (
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button secondary"
                          disabled={rotate.isPending}
                          aria-label={`Rotate ${key.name}`}
                          onClick={() => rotate.mutate({ key, grace: graceSecondsFrom(grace) })}
                        >
                          Rotate
                        </button>
                        <button
                          type="button"
                          className="button danger"
                          disabled={revoke.isPending}
                          aria-label={`Revoke ${key.name}`}
                          onClick={() => {
                            if (confirm(`Revoke “${key.name}” now? Calls with it fail at once.`)) revoke.mutate(key);
                          }}
                        >
                          Revoke
                        </button>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="small muted">
          “Last used” is when the API last accepted the key, to the minute. The audit log shows every key change.
        </p>
      </section>
    </div>
  );
}

const statusWords: Record<ApiKey["status"], string> = {
  active: "Active",
  expired: "Expired",
  revoked: "Revoked",
};

function CreateKeyCard({ onCreated, onSettled }: { onCreated(name: string, secret: string): void; onSettled(): void }) {
  const { api, projectId } = useDashboard();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [expiry, setExpiry] = useState("90");
  const [problems, setProblems] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      api.createApiKey(projectId as string, {
        name: name.trim(),
        scopes,
        ...(expiryFrom(expiry, new Date()) ? { expiresAt: expiryFrom(expiry, new Date()) } : {}),
      }),
    onSuccess: (result) => {
      onCreated(result.apiKey.name, result.key);
      setName("");
    },
    onSettled,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = keyFormProblems({ name, scopes });
    setProblems(found);
    if (found.length === 0) create.mutate();
  };
  return (
    <section className="card" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <div>
            <label htmlFor="key-name">Name</label>
            <input
              id="key-name"
              value={name}
              maxLength={64}
              aria-describedby="key-name-hint"
              onChange={(e) => setName(e.target.value)}
            />
            <p id="key-name-hint" className="small muted">
              Where it is used, e.g. “production backend”.
            </p>
          </div>
          <fieldset>
            <legend>Scopes</legend>
            {(["read", "webhooks:manage"] as const).map((scope) => (
              <label key={scope}>
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(e) => setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
                />
                {SCOPE_WORDS[scope]}
              </label>
            ))}
          </fieldset>
          <div>
            <label htmlFor="key-expiry">Expires</label>
            <select id="key-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              <option value="30">In 30 days</option>
              <option value="90">In 90 days</option>
              <option value="365">In a year</option>
              <option value="never">Never</option>
            </select>
          </div>
        </div>
        {problems.length > 0 ? (
          <div className="notice error" role="alert">
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {create.error ? <Failure error={create.error} onRetry={() => create.reset()} /> : null}
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create key"}
        </button>
      </form>
    </section>
  );
}
