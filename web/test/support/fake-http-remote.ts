/**
 * The browser side of fake-http-control.ts: start a scripted server from a browser test, read
 * what it received, close it. The control server's URL comes from the global setup.
 */
import { inject } from "vitest";
import type { ReportedRequest, ScriptedRoute } from "./fake-http-control.js";

export interface RemoteRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface RemoteFakeHttp {
  url: string;
  /** Everything the server received so far, CORS preflights included. */
  requests(): Promise<RemoteRequest[]>;
  close(): Promise<void>;
}

async function control(path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(`${inject("fakeHttpControlUrl")}${path}`, init);
  if (!response.ok) throw new Error(`fake-http control ${path}: ${response.status} ${await response.text()}`);
  return response;
}

export async function startRemoteFakeHttp(script: ScriptedRoute[]): Promise<RemoteFakeHttp> {
  const { id, url } = (await (await control("/servers", { method: "POST", body: JSON.stringify(script) })).json()) as {
    id: string;
    url: string;
  };
  return {
    url,
    async requests() {
      const reported = (await (await control(`/servers/${id}/requests`)).json()) as ReportedRequest[];
      return reported.map(({ bodyBase64, ...request }) => ({
        ...request,
        body: Uint8Array.from(atob(bodyBase64), (c) => c.charCodeAt(0)),
      }));
    },
    async close() {
      await control(`/servers/${id}`, { method: "DELETE" });
    },
  };
}
