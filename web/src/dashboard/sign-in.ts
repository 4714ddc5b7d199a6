/**
 * Sign-in with the wallet (EIP-4361) against the tenant API's own SIWE: a single-use nonce from
 * the API, a message built with viem's createSiweMessage, signed by the app wallet's account
 * (a smart account verifies through ERC-1271, or ERC-6492 before it is deployed: the API uses
 * viem's verifyMessage), exchanged for the API's session token.
 */
import type { Address } from "viem";
import { createSiweMessage } from "viem/siwe";
import type { Signer } from "../clients/wallet/app-wallet.js";
import type { DashboardApi, LoginResult } from "./api.js";
import { SignInPlaceError } from "./errors.js";

export const SIGN_IN_STATEMENT = "Sign in to the OneKey tenant dashboard. This costs nothing and sends no transaction.";

/**
 * The EIP-4361 domain for this page: its host. An API configured with a host alone (no port, as
 * the local API's `localhost`) accepts that host on any port, so the page's hostname is used then.
 * Any other domain is another site's: refuse before asking the wallet to sign.
 */
export function siweDomain(apiDomain: string, page: { host: string; hostname: string }): string {
  if (apiDomain === page.host || apiDomain === page.hostname) return apiDomain;
  throw new SignInPlaceError(`The API signs in for ${apiDomain}; this page is ${page.host}.`);
}

export async function signInWithWallet(
  api: DashboardApi,
  signer: Signer,
  options: { chainId: number; page: { host: string; hostname: string; origin: string }; now?: Date },
): Promise<LoginResult> {
  const nonce = await api.nonce();
  if (nonce.chainId !== options.chainId) {
    throw new SignInPlaceError(`The API signs in on chain ${nonce.chainId}; this app is on chain ${options.chainId}.`);
  }
  const issuedAt = options.now ?? new Date();
  const message = createSiweMessage({
    address: signer.address as Address,
    chainId: options.chainId,
    domain: siweDomain(nonce.domain, options.page),
    nonce: nonce.nonce,
    uri: `${options.page.origin}/dashboard`,
    version: "1",
    statement: SIGN_IN_STATEMENT,
    issuedAt,
    expirationTime: new Date(nonce.expiresAt),
  });
  const signature = await signer.signMessage({ message });
  return api.login(message, signature);
}

/** What the tab keeps of a session (sessionStorage: gone with the tab, never in a URL). */
export interface StoredSession {
  token: string;
  address: string;
  expiresAt: string;
}

const STORAGE_KEY = "onekey.dashboard.session";

/**
 * The tab's session for `address`, if it has one that has not expired. A session of another
 * account, an expired or an unreadable one is removed. No address yet (the wallet still
 * reconnecting after a reload): nothing is read and nothing removed.
 */
export function readStoredSession(
  storage: Storage,
  address: string | undefined,
  now = new Date(),
): StoredSession | undefined {
  if (address === undefined) return undefined;
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as StoredSession;
    const valid =
      typeof stored.token === "string" &&
      typeof stored.address === "string" &&
      Date.parse(stored.expiresAt) > now.getTime() &&
      stored.address.toLowerCase() === address.toLowerCase();
    if (valid) return stored;
  } catch {
    // unreadable: treated as none
  }
  storage.removeItem(STORAGE_KEY);
  return undefined;
}

export function storeSession(storage: Storage, session: StoredSession | undefined): void {
  if (session) storage.setItem(STORAGE_KEY, JSON.stringify(session));
  else storage.removeItem(STORAGE_KEY);
}
