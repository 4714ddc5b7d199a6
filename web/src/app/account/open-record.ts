/**
 * "View my record": the privacy library's openRecord (download, check against the on-chain hash,
 * unlock the key through the key network for the requester, decrypt), in this browser.
 */
import type { Address } from "viem";
import type { AppConfig } from "../../clients/config.js";
import { privacyServices } from "../../clients/privacy-services.js";
import type { CurrentAttestation } from "../../clients/registry.js";
import type { Signer } from "../../clients/wallet/app-wallet.js";
import { openRecord } from "../../privacy/record.js";
import { RECORD_SCHEMA_VERSION } from "../verify/seal.js";

export async function openMyRecord(
  config: AppConfig,
  attestation: CurrentAttestation,
  subject: Address,
  requester: Signer,
): Promise<string> {
  const privacy = await privacyServices(config);
  const plaintext = await openRecord({
    storage: privacy.storage,
    attestation,
    context: {
      chainId: config.chainId,
      registry: config.contracts.kycRegistry,
      subject,
      schemaVersion: RECORD_SCHEMA_VERSION,
    },
    keyAccess: privacy.keyAccess,
    requester,
  });
  const text = new TextDecoder().decode(plaintext);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
