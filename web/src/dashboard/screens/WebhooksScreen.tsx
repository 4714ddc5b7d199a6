/**
 * Webhooks of the chosen project, through the admin session on the project's own routes
 * (/v1/admin/projects/{id}/webhooks/...): endpoints (URL, event types, enabled, why one was
 * disabled), register one (its signing secret shown once), rotate a secret, send a test event,
 * and the delivery log (paged by the API's cursor) with replay of one delivery or a time range.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { WebhookDelivery, WebhookEndpoint } from "../api.js";
import { useDashboard } from "../session.js";
import { Failure, SecretOnce, timeOf } from "../ui.js";
import { replayRangeProblems, useCursorPages } from "./paging.js";

/** The events an endpoint can receive (the SDK's catalogue, @onekey/sdk WEBHOOK_EVENT_TYPES). */
export const EVENT_TYPES = [
  "attestation.created",
  "attestation.revoked",
  "attestation.expired",
  "record.erased",
  "consent.granted",
  "consent.revoked",
  "project.created",
  "project.settings_updated",
  "project.status_changed",
  "project.role_granted",
  "project.role_revoked",
  "project.role_offered",
  "organization.roles_revoked",
  "budget.funded",
  "budget.withdrawn",
  "budget.policy_set",
  "budget.low",
  "operation.sponsored",
  "event.retracted",
  "webhook.test",
  "security.alert",
] as const;

export default function WebhooksScreen() {
  const { api, projectId } = useDashboard();
  const pid = projectId as string;
  const queryClient = useQueryClient();
  const endpointsKey = ["dashboard", "webhook-endpoints", pid];
  const endpoints = useQuery({ queryKey: endpointsKey, queryFn: async () => (await api.endpoints(pid)).data });
  const [secret, setSecret] = useState<{ label: string; value: string } | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["dashboard"] });

  return (
    <div data-screen="webhooks">
      <h1>Webhooks</h1>
      <p className="muted">
        Signed events (Standard Webhooks) to your endpoints. Verify them with the endpoint's secret, e.g. with
        @onekey/sdk's <code>verifyWebhook</code>.
      </p>
      {secret ? <SecretOnce label={secret.label} secret={secret.value} onDone={() => setSecret(undefined)} /> : null}
      <CreateEndpointCard onCreated={(value) => setSecret({ label: "Signing secret of the new endpoint", value })} />
      <section className="card" aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Endpoints</h2>
        {endpoints.isPending ? (
          <p role="status">Loading endpoints…</p>
        ) : endpoints.error ? (
          <Failure error={endpoints.error} onRetry={() => void endpoints.refetch()} />
        ) : endpoints.data.length === 0 ? (
          <p>No endpoints yet. Register one above.</p>
        ) : (
          endpoints.data.map((endpoint) => (
            <EndpointRow
              key={endpoint.id}
              endpoint={endpoint}
              onSecret={(value) => setSecret({ label: `New signing secret of ${endpoint.url}`, value })}
              onChanged={refresh}
            />
          ))
        )}
      </section>
      <DeliveriesCard endpoints={endpoints.data ?? []} />
    </div>
  );
}

function CreateEndpointCard({ onCreated }: { onCreated(secret: string): void }) {
  const { api, projectId } = useDashboard();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState("");
  const [types, setTypes] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: () => api.createEndpoint(projectId as string, { url: url.trim(), eventTypes: types }),
    onSuccess: (result) => {
      onCreated(result.secret);
      setUrl("");
      setTypes([]);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["dashboard", "webhook-endpoints"] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let valid = false;
    try {
      valid = /^https?:$/.test(new URL(url.trim()).protocol);
    } catch {
      valid = false;
    }
    setProblem(
      valid ? undefined : "URL: enter the full address of your endpoint, e.g. https://hooks.example.com/onekey.",
    );
    if (valid) create.mutate();
  };
  return (
    <section className="card" aria-labelledby="create-endpoint-title">
      <h2 id="create-endpoint-title">Register an endpoint</h2>
      <form onSubmit={submit} noValidate>
        <div className="form-grid">
          <div>
            <label htmlFor="endpoint-url">URL</label>
            <input
              id="endpoint-url"
              type="url"
              size={48}
              value={url}
              placeholder="https://hooks.example.com/onekey"
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
          <details>
            <summary>Event types ({types.length === 0 ? "all" : types.length})</summary>
            <fieldset>
              <legend className="small">None chosen means every event type.</legend>
              {EVENT_TYPES.map((type) => (
                <label key={type}>
                  <input
                    type="checkbox"
                    checked={types.includes(type)}
                    onChange={(e) => setTypes(e.target.checked ? [...types, type] : types.filter((t) => t !== type))}
                  />
                  {type}
                </label>
              ))}
            </fieldset>
          </details>
        </div>
        {problem ? (
          <p className="notice error" role="alert">
            {problem}
          </p>
        ) : null}
        {create.error ? <Failure error={create.error} onRetry={() => create.reset()} /> : null}
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Registering…" : "Register endpoint"}
        </button>
      </form>
    </section>
  );
}

function EndpointRow({
  endpoint,
  onSecret,
  onChanged,
}: {
  endpoint: WebhookEndpoint;
  onSecret(secret: string): void;
  onChanged(): void;
}) {
  const { api, projectId } = useDashboard();
  const pid = projectId as string;
  const [note, setNote] = useState<string | undefined>();
  const rotate = useMutation({
    mutationFn: () => api.rotateEndpointSecret(pid, endpoint.id, 86_400),
    onSuccess: (result) => {
      onSecret(result.secret);
      setNote(`The previous secret also signs until ${timeOf(result.previousSecretExpiresAt)}.`);
    },
    onSettled: onChanged,
  });
  const test = useMutation({
    mutationFn: () => api.testEndpoint(pid, endpoint.id),
    onSuccess: () => setNote("A webhook.test event is on its way: see the delivery log below."),
    onSettled: onChanged,
  });
  const toggle = useMutation({
    mutationFn: () => api.updateEndpoint(pid, endpoint.id, { enabled: !endpoint.enabled }),
    onSettled: onChanged,
  });
  const failure = rotate.error ?? test.error ?? toggle.error;
  return (
    <article className="card" data-endpoint-id={endpoint.id} aria-label={`Endpoint ${endpoint.url}`}>
      <p>
        <code>{endpoint.url}</code>
      </p>
      <dl className="facts">
        <dt>Events</dt>
        <dd>{endpoint.eventTypes.length === 0 ? "All" : endpoint.eventTypes.join(", ")}</dd>
        <dt>State</dt>
        <dd className={endpoint.enabled ? "status-ok" : "status-bad"} data-enabled={endpoint.enabled}>
          {endpoint.enabled ? "Enabled" : `Disabled ${timeOf(endpoint.disabledAt)}`}
        </dd>
        {!endpoint.enabled && endpoint.disabledReason ? (
          <>
            <dt>Why disabled</dt>
            <dd>{endpoint.disabledReason}</dd>
          </>
        ) : null}
        {endpoint.secretRotatedUntil ? (
          <>
            <dt>Previous secret</dt>
            <dd>Also signs until {timeOf(endpoint.secretRotatedUntil)}</dd>
          </>
        ) : null}
      </dl>
      {note ? (
        <p role="status" className="small">
          {note}
        </p>
      ) : null}
      {failure ? (
        <Failure
          error={failure}
          onRetry={() => {
            rotate.reset();
            test.reset();
            toggle.reset();
          }}
        />
      ) : null}
      <div className="row-actions">
        <button type="button" className="button secondary" disabled={test.isPending} onClick={() => test.mutate()}>
          Send a test event
        </button>
        <button type="button" className="button secondary" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
          Rotate secret
        </button>
        <button type="button" className="button secondary" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {endpoint.enabled ? "Disable" : "Enable again"}
        </button>
      </div>
    </article>
  );
}

const STATUSES = ["pending", "delivering", "delivered", "failed", "dead", "held", "cancelled"];

function DeliveriesCard({ endpoints }: { endpoints: WebhookEndpoint[] }) {
  const { api, projectId } = useDashboard();
  const pid = projectId as string;
  const [status, setStatus] = useState("");
  const [endpointId, setEndpointId] = useState("");
  const pages = useCursorPages(["dashboard", "deliveries", pid, status, endpointId], (cursor) =>
    api.deliveries(pid, {
      limit: 20,
      ...(cursor ? { cursor } : {}),
      ...(status ? { status } : {}),
      ...(endpointId ? { endpointId } : {}),
    }),
  );
  const [open, setOpen] = useState<string | undefined>();
  const replay = useMutation({
    mutationFn: (delivery: WebhookDelivery) => api.replayDelivery(pid, delivery.id),
    onSettled: () => void pages.refetch(),
  });
  return (
    <section className="card" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Delivery log</h2>
      <div className="filters">
        <div>
          <label htmlFor="delivery-status">Status</label>
          <select id="delivery-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="delivery-endpoint">Endpoint</label>
          <select id="delivery-endpoint" value={endpointId} onChange={(e) => setEndpointId(e.target.value)}>
            <option value="">Any</option>
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.url}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button secondary" onClick={() => void pages.refetch()}>
          Refresh
        </button>
      </div>
      {replay.error ? <Failure error={replay.error} onRetry={() => replay.reset()} /> : null}
      {pages.error ? (
        <Failure error={pages.error} onRetry={() => void pages.refetch()} />
      ) : pages.isPending ? (
        <p role="status">Loading deliveries…</p>
      ) : pages.rows.length === 0 ? (
        <p>No deliveries yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last response</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pages.rows.map((d) => (
              <DeliveryRow
                key={d.id}
                delivery={d}
                open={open === d.id}
                onToggle={() => setOpen(open === d.id ? undefined : d.id)}
                onReplay={() => replay.mutate(d)}
                replaying={replay.isPending}
              />
            ))}
          </tbody>
        </table>
      )}
      {pages.hasMore ? (
        <button type="button" className="button secondary" disabled={pages.isFetchingMore} onClick={pages.more}>
          {pages.isFetchingMore ? "Loading…" : "Older deliveries"}
        </button>
      ) : null}
      <ReplayRangeForm endpoints={endpoints} onDone={() => void pages.refetch()} />
    </section>
  );
}

function DeliveryRow({
  delivery,
  open,
  onToggle,
  onReplay,
  replaying,
}: {
  delivery: WebhookDelivery;
  open: boolean;
  onToggle(): void;
  onReplay(): void;
  replaying: boolean;
}) {
  const { api, projectId } = useDashboard();
  const detail = useQuery({
    queryKey: ["dashboard", "delivery", delivery.id, delivery.attempts],
    enabled: open,
    queryFn: () => api.delivery(projectId as string, delivery.id),
  });
  const replayable = delivery.status !== "held" && delivery.status !== "cancelled";
  return (
    <>
      <tr data-delivery-id={delivery.id} data-status={delivery.status} data-event-type={delivery.eventType}>
        <td>{delivery.eventType}</td>
        <td className={delivery.status === "delivered" ? "status-ok" : delivery.status === "dead" ? "status-bad" : ""}>
          {delivery.status}
        </td>
        <td>{delivery.attempts}</td>
        <td>{delivery.lastStatusCode ?? "–"}</td>
        <td>{timeOf(delivery.createdAt)}</td>
        <td>
          <div className="row-actions">
            <button type="button" className="button secondary" aria-expanded={open} onClick={onToggle}>
              Attempts
            </button>
            {replayable ? (
              <button
                type="button"
                className="button secondary"
                disabled={replaying}
                aria-label={`Replay ${delivery.eventType} delivery ${delivery.id}`}
                onClick={onReplay}
              >
                Replay
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6}>
            {detail.error ? (
              <Failure error={detail.error} onRetry={() => void detail.refetch()} />
            ) : !detail.data ? (
              <p role="status">Loading attempts…</p>
            ) : detail.data.log.length === 0 ? (
              <p>
                No attempt yet{delivery.nextAttemptAt ? `; the next one is due ${timeOf(delivery.nextAttemptAt)}` : ""}.
              </p>
            ) : (
              <ol className="small">
                {detail.data.log.map((a) => (
                  <li key={a.attempt}>
                    {timeOf(a.at)}: {a.statusCode ? `HTTP ${a.statusCode}` : "no response"}
                    {a.latencyMs !== null ? ` in ${a.latencyMs} ms` : ""}
                    {a.error ? ` (${a.error})` : ""}
                  </li>
                ))}
              </ol>
            )}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function ReplayRangeForm({ endpoints, onDone }: { endpoints: WebhookEndpoint[]; onDone(): void }) {
  const { api, projectId } = useDashboard();
  const [endpointId, setEndpointId] = useState("");
  const [since, setSince] = useState("");
  const [until, setUntil] = useState("");
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<string | undefined>();
  const replay = useMutation({
    mutationFn: (body: { endpointId: string; since: string; until: string }) =>
      api.replayRange(projectId as string, body),
    onSuccess: (result) => {
      setDone(`${result.replayed} event${result.replayed === 1 ? "" : "s"} queued again.`);
      onDone();
    },
  });
  if (endpoints.length === 0) return null;
  const chosen = endpointId || endpoints[0]?.id || "";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(undefined);
    const checked = replayRangeProblems({ since, until });
    setProblems(checked.problems);
    if (checked.range) replay.mutate({ endpointId: chosen, ...checked.range });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="replay-range-title">
      <h3 id="replay-range-title">Replay a time range</h3>
      <p className="small muted">
        Every event of the range (event time, at most 31 days) is sent to the endpoint again, with the same ids.
      </p>
      <div className="filters">
        <div>
          <label htmlFor="replay-endpoint">Endpoint</label>
          <select id="replay-endpoint" value={chosen} onChange={(e) => setEndpointId(e.target.value)}>
            {endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.url}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="replay-since">From</label>
          <input id="replay-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div>
          <label htmlFor="replay-until">Until</label>
          <input id="replay-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
        </div>
        <button type="submit" className="button secondary" disabled={replay.isPending}>
          Replay range
        </button>
      </div>
      {problems.length > 0 ? (
        <p className="notice error" role="alert">
          {problems.join(" ")}
        </p>
      ) : null}
      {replay.error ? <Failure error={replay.error} onRetry={() => replay.reset()} /> : null}
      {done ? <p role="status">{done}</p> : null}
    </form>
  );
}
