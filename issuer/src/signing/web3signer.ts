/**
 * A viem account whose key lives in a remote signer speaking Web3Signer's Ethereum JSON-RPC
 * (Consensys Web3Signer in eth1 mode, or anything compatible in front of a KMS/HSM):
 *   eth_sign(address, data)             EIP-191 personal message (readiness probes)
 *   eth_signTypedData(address, json)    EIP-712 (sponsorships and attestations)
 * Built with viem's `toAccount` and `http` transport (timeouts, JSON-RPC error mapping), so the
 * issuer's code signs exactly as it does with a local key.
 *
 * Every signature is recovered here before it is used: a signer that answers with another key's
 * signature (misconfigured, or not the signer we think) is refused, and nothing it signed leaves.
 * The URL may carry credentials or name internal hosts: it never appears in an error or a log.
 */
import {
  type Address,
  createClient,
  getTypesForEIP712Domain,
  type Hex,
  http,
  isAddressEqual,
  type LocalAccount,
  recoverMessageAddress,
  recoverTypedDataAddress,
  type SignableMessage,
  serializeTypedData,
  type TypedDataDefinition,
  toHex,
} from "viem";
import { toAccount } from "viem/accounts";

export class RemoteSignerError extends Error {
  override name = "RemoteSignerError";
}

type Web3SignerRpc = [
  { Method: "eth_accounts"; Parameters: []; ReturnType: Address[] },
  { Method: "eth_sign"; Parameters: [Address, Hex]; ReturnType: Hex },
  { Method: "eth_signTypedData"; Parameters: [Address, string]; ReturnType: Hex },
];

export interface Web3SignerOptions {
  url: string;
  address: Address;
  timeoutMs: number;
  /** Which key this is (sponsorSigner, kycSigner): named in errors instead of the URL. */
  role: string;
}

/** EIP-191 payload as the hex data eth_sign takes: a string's UTF-8 bytes, or the raw bytes. */
function messageData(message: SignableMessage): Hex {
  if (typeof message === "string") return toHex(message);
  return typeof message.raw === "string" ? message.raw : toHex(message.raw);
}

export function web3SignerAccount(options: Web3SignerOptions): LocalAccount {
  const { address, role } = options;
  // No retries: a signing request that timed out may still be signed; the caller decides.
  const client = createClient({ transport: http(options.url, { timeout: options.timeoutMs, retryCount: 0 }) });

  async function ask<M extends Web3SignerRpc[number]["Method"]>(
    method: M,
    params: Extract<Web3SignerRpc[number], { Method: M }>["Parameters"],
  ): Promise<Extract<Web3SignerRpc[number], { Method: M }>["ReturnType"]> {
    try {
      return (await client.request({ method, params } as never)) as never;
    } catch (error) {
      // viem's messages quote the URL: say what failed without it.
      const { name, code, shortMessage } = error as { name?: string; code?: number; shortMessage?: string };
      const reason = code !== undefined ? `JSON-RPC error ${code}` : (name ?? "request failed");
      throw new RemoteSignerError(
        `${role}: the remote signer refused ${method} for ${address} (${reason}${
          shortMessage && code !== undefined ? `: ${shortMessage.split("\n")[0]}` : ""
        })`,
      );
    }
  }

  function checked(recovered: Address, signature: Hex): Hex {
    if (!isAddressEqual(recovered, address)) {
      throw new RemoteSignerError(
        `${role}: the remote signer answered with a signature of ${recovered}, not ${address}`,
      );
    }
    return signature;
  }

  const account = toAccount({
    address,
    async signMessage({ message }) {
      const signature = await ask("eth_sign", [address, messageData(message)]);
      return checked(await recoverMessageAddress({ message, signature }), signature);
    },
    async signTypedData(typedData) {
      // The JSON carries the EIP712Domain type (web3j's encoder requires it), bigints as decimal
      // strings, as viem's own wallet client sends eth_signTypedData_v4.
      const definition = typedData as TypedDataDefinition;
      const json = serializeTypedData({
        ...definition,
        types: { EIP712Domain: getTypesForEIP712Domain({ domain: definition.domain }), ...definition.types },
      });
      const signature = await ask("eth_signTypedData", [address, json]);
      return checked(await recoverTypedDataAddress({ ...definition, signature }), signature);
    },
    async signTransaction() {
      throw new RemoteSignerError(`${role}: the issuer never signs transactions`);
    },
  });
  return account;
}

/**
 * Whether the remote signer still holds `address` (eth_accounts): what readiness asks, so a public
 * probe never spends a KMS signing quota (the signature check runs on every real signature).
 */
export async function remoteSignerHolds(options: {
  url: string;
  address: Address;
  timeoutMs: number;
}): Promise<boolean> {
  const client = createClient({ transport: http(options.url, { timeout: options.timeoutMs, retryCount: 0 }) });
  const held = (await client.request({ method: "eth_accounts" } as never)) as Address[];
  return held.some((account) => isAddressEqual(account, options.address));
}
