/**
 * A reader opens a consenting subject's record in its own browser (the dashboard decrypts it there,
 * through the key network; the plaintext never reaches this API). Before asking for the key, the
 * dashboard records the opening here, so the project's audit log says who opened whose record and
 * when. The key network enforces `canDecrypt` on its own: this route is the project's record of
 * access, not the gate.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Hex } from "viem";
import { writeAudit } from "../../../db/audit.js";
import { ROLE_READER } from "../../lib/projectRoles.js";
import { ApiError, errorResponses, forbidden } from "../http/errors.js";
import type { ApiApp, ApiKit } from "../kit.js";
import { AddressString, AdminProjectParams } from "../schemas.js";

const RecordOpening = z
  .object({
    subject: AddressString,
    uid: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    recordedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("RecordOpening");

export function registerRecordOpeningRoutes(app: ApiApp, kit: ApiKit): void {
  const { deps } = kit;
  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/admin/projects/{projectId}/records/{address}/openings",
      tags: ["Project admin"],
      summary: "Record that the signed-in reader is opening a consenting subject's record (audit log)",
      security: [{ session: [] }],
      middleware: [kit.requireSession],
      request: {
        params: AdminProjectParams.extend({
          address: AddressString.openapi({ param: { name: "address", in: "path" } }),
        }),
      },
      responses: {
        201: {
          description: "Recorded; the reader may now ask the key network for the record's key",
          content: { "application/json": { schema: RecordOpening } },
        },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { projectId, address } = c.req.valid("param");
      const session = await kit.requireProjectAdmin(c, projectId, "record.open", ROLE_READER);
      const subject = address.toLowerCase() as Hex;
      // Admins pass the check above for reads; only a reader can be given a record's key.
      if (((await deps.readModel.rolesOn(projectId, session.address)) & ROLE_READER) === 0) {
        await writeAudit(deps.store, {
          actor: session.address,
          projectId,
          action: "record.open",
          target: subject,
          result: "denied",
          detail: { reason: "reader_role_required" },
          requestId: c.get("requestId"),
        });
        throw forbidden(
          "reader_role_required",
          "Only the project's readers can open a record: accept the reader role first",
        );
      }
      const consent = await deps.readModel.consent(projectId, subject);
      if (!consent?.active || !consent.uid) {
        throw new ApiError(404, "no_consent", "This subject does not consent to the project (or has no record)");
      }
      const recordedAt = deps.now();
      await writeAudit(deps.store, {
        actor: session.address,
        projectId,
        action: "record.open",
        target: subject,
        result: "ok",
        detail: { uid: consent.uid },
        requestId: c.get("requestId"),
      });
      return c.json({ subject, uid: consent.uid, recordedAt: recordedAt.toISOString() }, 201);
    },
  );
}
