/**
 * The on-chain side of a store or a release: who signed (EOA or ERC-1271 contract account,
 * through viem's SIWE verification), whom a subject names as its decrypt delegate, and whether
 * `KycRegistry.canDecrypt(signer, uid)` holds right now. It reads only the KycRegistry configured
 * for each chain: a caller cannot point it at a contract of its own.
 */
import {
  type Address,
  createPublicClient,
  getAddress,
  type Hex,
  hexToNumber,
  http,
  type PublicClient,
  zeroAddress,
} from "viem";
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
  private readonly chains = new Map<number, { client: PublicClient; registry: Address }>();

  constructor(chains: Record<string, { rpcUrl: string; registry: string }>) {
    for (const [chainId, { rpcUrl, registry }] of Object.entries(chains)) {
      this.chains.set(Number(chainId), {
        client: createPublicClient({ transport: http(rpcUrl, { retryCount: 1, timeout: 10_000 }) }),
        registry: getAddress(registry),
      });
    }
  }

  supports(chainId: number): boolean {
    return this.chains.has(chainId);
  }

  /** The chain ids configured. */
  chainIds(): number[] {
    return [...this.chains.keys()];
  }

  /** What the chain's RPC answers to eth_chainId, asked once, without retries (GET /readyz). */
  async servedChainId(chainId: number): Promise<number> {
    return hexToNumber(await this.chain(chainId).client.request({ method: "eth_chainId" }, { retryCount: 0 }));
  }

  /** The KycRegistry configured for the chain, or undefined when the chain is not. */
  registryOf(chainId: number): Address | undefined {
    return this.chains.get(chainId)?.registry;
  }

  async signatureValid(chainId: number, params: { address: Address; message: string; signature: Hex; now: Date }) {
    try {
      return await verifySiweMessage(this.chain(chainId).client, { ...params, time: params.now });
    } catch (error) {
      throw new ChainUnavailableError(`verifying the signature on chain ${chainId} failed`, { cause: error });
    }
  }

  async canDecrypt(chainId: number, requester: Address, uid: Hex): Promise<boolean> {
    const { client, registry } = this.chain(chainId);
    try {
      return await client.readContract({
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
  async decryptDelegateOf(chainId: number, subject: Address): Promise<Address | undefined> {
    const { client, registry } = this.chain(chainId);
    let delegate: Address;
    try {
      delegate = await client.readContract({
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

  private chain(chainId: number): { client: PublicClient; registry: Address } {
    const chain = this.chains.get(chainId);
    if (chain === undefined) throw new ChainUnavailableError(`chain ${chainId} is not configured`);
    return chain;
  }
}
