/** `webhook.test`: derived from a request to test an endpoint; one event per request. */
import { timeBasedEvent } from "./derivedEvent.js";

export function webhookTestEvent(request: {
  endpointId: string;
  requestId: string;
  projectId: bigint;
  chainId: number;
}) {
  return timeBasedEvent({
    sourceId: `test:${request.endpointId}:${request.requestId}`,
    type: "webhook.test",
    projectIds: [request.projectId.toString()],
    chainId: request.chainId,
    data: { message: "A test event from OneKey" },
  });
}
