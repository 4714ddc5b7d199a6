/**
 * Prometheus metrics of one worker, served on ONEKEY_WEBHOOK_METRICS_PORT (127.0.0.1 by default)
 * when it is set. Labels carry outcomes and project ids, never URLs or payloads.
 */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface WorkerMetrics {
  registry: Registry;
  attempts: Counter<"outcome" | "project_id">;
  latency: Histogram;
  inFlight: Gauge;
  due: Gauge;
  lagBlocks: Gauge;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  return {
    registry,
    attempts: new Counter({
      name: "onekey_webhook_attempts_total",
      help: "Delivery attempts by outcome (delivered, failed, dead, gone, deferred) and project",
      labelNames: ["outcome", "project_id"],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "onekey_webhook_request_seconds",
      help: "Time from request to the receiver's answer",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
    inFlight: new Gauge({ name: "onekey_webhook_in_flight", help: "Requests in flight", registers: [registry] }),
    due: new Gauge({
      name: "onekey_webhook_due",
      help: "Deliveries due now on this database (all workers)",
      registers: [registry],
    }),
    lagBlocks: new Gauge({
      name: "onekey_webhook_pipeline_block",
      help: "Latest block the pipeline has processed",
      registers: [registry],
    }),
  };
}

export function serveMetrics(metrics: WorkerMetrics, port: number, host: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url !== "/metrics") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
