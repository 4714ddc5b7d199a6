/**
 * The on-chain side of a store or a release: who signed (EOA or ERC-1271 contract account,
 * through viem's SIWE verification), whom a subject names as its decrypt delegate, and whether
 * `KycRegistry.canDecrypt(signer, uid)` holds right now.
 */
import { type Address, createPublicClient, getAddress, type Hex, http, type PublicClient, zeroAddress } from "viem";
import { verifySiweMessage } from "viem/siwe";

const canDecryptAbi = [
  {
    type: "function",
    name: "canDecrypt",
    stateMutability: "view",
    inputs: [
      { name: "requester", type: "address", internalType: "address" },
      { name: "uid", type: "bytes32", internalType: "bytes32" },
    ],
    outputs: [{ name: "", type: "bool", internalType: "bool" }],
  },
  {
    type: "function",
    name: "decryptDelegateOf",
    stateMutability: "view",
    inputs: [{ name: "subject", type: "address", internalType: "address" }],
    outputs: [{ name: "", type: "address", internalType: "address" }],
  },
] as const;

export { canDecryptAbi };

export class ChainUnavailableError extends Error {
  override readonly name = "ChainUnavailableError";
}

export class ChainGate {
  private readonly clients = new Map<number, PublicClient>();

  constructor(chains: Record<string, string>) {
    for (const [chainId, url] of Object.entries(chains)) {
      this.clients.set(
        Number(chainId),
        createPublicClient({ transport: http(url, { retryCount: 1, timeout: 10_000 }) }),
      );
    }
  }

  supports(chainId: number): boolean {
    return this.clients.has(chainId);
  }

  async signatureValid(chainId: number, params: { address: Address; message: string; signature: Hex; now: Date }) {
    try {
      return await verifySiweMessage(this.client(chainId), { ...params, time: params.now });
    } catch (error) {
      throw new ChainUnavailableError(`verifying the signature on chain ${chainId} failed`, { cause: error });
    }
  }

  async canDecrypt(chainId: number, registry: Address, requester: Address, uid: Hex): Promise<boolean> {
    try {
      return await this.client(chainId).readContract({
        address: registry,
        abi: canDecryptAbi,
        functionName: "canDecrypt",
        args: [requester, uid],
      });
    } catch (error) {
      throw new ChainUnavailableError(`reading canDecrypt on chain ${chainId} failed`, { cause: error });
    }
  }

  /** The subject's decrypt delegate, or undefined when it names none. */
  async decryptDelegateOf(chainId: number, registry: Address, subject: Address): Promise<Address | undefined> {
    let delegate: Address;
    try {
      delegate = await this.client(chainId).readContract({
        address: registry,
        abi: canDecryptAbi,
        functionName: "decryptDelegateOf",
        args: [subject],
      });
    } catch (error) {
      throw new ChainUnavailableError(`reading decryptDelegateOf on chain ${chainId} failed`, { cause: error });
    }
    return delegate === zeroAddress ? undefined : getAddress(delegate);
  }

  private client(chainId: number): PublicClient {
    const client = this.clients.get(chainId);
    if (client === undefined) throw new ChainUnavailableError(`chain ${chainId} is not configured`);
    return client;
  }
}
