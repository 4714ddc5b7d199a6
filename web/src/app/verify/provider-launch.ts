/**
 * Starting the provider's own step from the issuer's `BrowserLaunch` (issuer/SESSIONS.md):
 *
 * - `hosted-url` (the sandbox provider locally; hosted flows of real providers): the page goes to
 *   the provider's URL, which sends the person back to this verify link when done. The flow state
 *   is saved before leaving, so coming back resumes.
 * - `sdk-token` (a real provider's web SDK in this page): the SDK is loaded on demand, in its own
 *   chunk, only for a session that needs it, so the verify route's first load never carries one.
 *   The launch contract is defined here; no real provider SDK is bundled yet, so such a session
 *   fails with `provider_sdk_unavailable`, and the person is offered another provider.
 */
import type { BrowserLaunch } from "../../clients/issuer/schemas.js";

export type SdkLaunch = Extract<BrowserLaunch, { kind: "sdk-token" }>;

/** What a provider SDK adapter does: mount the provider's widget and report back. */
export interface ProviderSdk {
  mount(
    container: HTMLElement,
    launch: SdkLaunch,
    events: { onSubmitted(): void; onError(error: unknown): void },
  ): Promise<{ unmount(): void }>;
}

/** Provider SDK adapters by `launch.sdk.name`, each a dynamic import (its own chunk). */
export const providerSdks: Record<string, () => Promise<ProviderSdk>> = {
  // e.g. "sumsub-websdk": () => import("./sdks/sumsub.js").then((m) => m.sumsubSdk),
};

export class ProviderSdkUnavailableError extends Error {
  override readonly name = "ProviderSdkUnavailableError";
}

export async function loadProviderSdk(launch: SdkLaunch): Promise<ProviderSdk> {
  const load = providerSdks[launch.sdk.name];
  if (!load) throw new ProviderSdkUnavailableError(`no adapter for the ${launch.sdk.name} SDK in this build`);
  try {
    return await load();
  } catch (error) {
    throw new ProviderSdkUnavailableError(`the ${launch.sdk.name} SDK failed to load`, { cause: error });
  }
}

/** Leaves for the provider's hosted flow (same tab: works on phones, no pop-up blockers). */
export function openHostedFlow(url: string): void {
  window.location.assign(url);
}
