/** Sign-in with Ethereum for project admins: nonce, login, session, logout. */
import { createRoute } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../http/errors.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { LoginBody, Nonce, NoQuery, Session, SessionInfo } from "../schemas.js";

const REJECTION_MESSAGES = {
  message_malformed: "The message is not a complete EIP-4361 message",
  domain_mismatch: "The message names another domain",
  chain_mismatch: "The message names another chain",
  expired: "The message has expired",
  not_yet_valid: "The message is not valid yet (notBefore)",
  issued_in_future: "The message is issued in the future",
  signature_invalid: "The signature does not match the address",
  nonce_invalid: "The nonce is unknown, expired or already used",
} as const;

export function registerAuthRoutes(app: ApiApp, kit: ApiKit): void {
  const { siwe, sessions, deps } = kit;

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/auth/nonce",
      tags: ["Admin sign-in"],
      summary: "Get a single-use SIWE nonce",
      middleware: [kit.limitClient],
      request: { query: NoQuery },
      responses: {
        201: {
          description: "A nonce to put in the EIP-4361 message",
          content: { "application/json": { schema: Nonce } },
        },
        ...errorResponses(400, 429),
      },
    }),
    async (c) => {
      const { nonce, expiresAt } = await siwe.issueNonce(deps.now());
      return c.json(
        { nonce, expiresAt: expiresAt.toISOString(), domain: deps.config.siweDomain, chainId: deps.config.chainId },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/auth/login",
      tags: ["Admin sign-in"],
      summary: "Exchange a signed SIWE message for a session token",
      middleware: [kit.limitClient],
      request: {
        query: NoQuery,
        body: { required: true, content: { "application/json": { schema: LoginBody } } },
      },
      responses: {
        200: { description: "Signed in", content: { "application/json": { schema: Session } } },
        ...errorResponses(400, 401, 429),
      },
    }),
    async (c) => {
      const { message, signature } = c.req.valid("json");
      const result = await siwe.login(message, signature, c.get("requestId"), deps.now());
      if ("rejected" in result) {
        deps.metrics.authFailures.inc({ reason: `siwe_${result.rejected}` });
        const status = result.rejected === "message_malformed" ? 400 : 401;
        throw new ApiError(
          status,
          `siwe_${result.rejected}`,
          REJECTION_MESSAGES[result.rejected],
          status === 400 ? "message" : undefined,
        );
      }
      const projects = await deps.readModel.projectsAdministeredBy(result.address);
      return c.json(
        {
          token: result.token,
          address: result.address.toLowerCase(),
          expiresAt: result.expiresAt.toISOString(),
          projects: projects.map(String),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/auth/session",
      tags: ["Admin sign-in"],
      summary: "The signed-in address and the projects it administers now",
      security: [{ session: [] }],
      middleware: [kit.requireSession],
      request: { query: NoQuery },
      responses: {
        200: { description: "The session", content: { "application/json": { schema: SessionInfo } } },
        ...errorResponses(400, 401, 429),
      },
    }),
    async (c) => {
      const session = c.get("session");
      if (!session) throw new ApiError(401, "session_invalid", "Session required");
      const projects = await deps.readModel.projectsAdministeredBy(session.address);
      return c.json(
        { address: session.address, expiresAt: session.expiresAt.toISOString(), projects: projects.map(String) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/auth/logout",
      tags: ["Admin sign-in"],
      summary: "End the session",
      security: [{ session: [] }],
      middleware: [kit.requireSession],
      request: { query: NoQuery },
      responses: { 204: { description: "Signed out" }, ...errorResponses(400, 401, 429) },
    }),
    async (c) => {
      const session = c.get("session");
      if (!session) throw new ApiError(401, "session_invalid", "Session required");
      await sessions.logout(session, c.get("requestId"), deps.now());
      return c.body(null, 204);
    },
  );
}
