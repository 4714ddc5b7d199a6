/**
 * Sign-In with Ethereum to the issuer (EIP-4361): the issuer names the nonce, its dApp's domain
 * and URI, and the chain; the wallet signs as the subject (a SimpleAccount signs through its
 * owner, ERC-6492-wrapped until deployed). The client signs only a message for this very page's
 * origin: an issuer configured for another dApp gets no signature it could replay there.
 *
 * The token is kept in sessionStorage (this tab, survives a reload and the provider's redirect
 * back; gone when the tab closes): a bearer token belongs no longer than the visit.
 */
import type { Address } from "viem";
import { createSiweMessage } from "viem/siwe";
import type { Signer } from "../wallet/app-wallet.js";
import { type IssuerClient, IssuerError } from "./issuer-client.js";

export const SIGN_IN_STATEMENT = "Sign in to OneKey to verify your identity. Signing is free and sends no transaction.";

export interface IssuerToken {
  token: string;
  address: Address;
  expiresAt: number;
}

const keyOf = (issuerUrl: string, subject: Address) => `onekey:issuer-token:${issuerUrl}:${subject.toLowerCase()}`;

export function storedToken(issuerUrl: string, subject: Address, now = Date.now()): IssuerToken | undefined {
  try {
    const raw = sessionStorage.getItem(keyOf(issuerUrl, subject));
    const token = raw ? (JSON.parse(raw) as IssuerToken) : undefined;
    // A minute of margin: a token that dies mid-step is worse than signing in again now.
    return token && token.expiresAt - 60_000 > now ? token : undefined;
  } catch {
    return undefined;
  }
}

export function forgetToken(issuerUrl: string, subject: Address): void {
  sessionStorage.removeItem(keyOf(issuerUrl, subject));
}

export async function signInToIssuer(
  issuer: IssuerClient,
  issuerUrl: string,
  signer: Signer,
  origin = { host: location.host, href: location.origin },
  /** What the wallet shows the person (the dashboard's admin sign-in says what it is for). */
  statement = SIGN_IN_STATEMENT,
): Promise<IssuerToken> {
  const nonce = await issuer.nonce(signer.address);
  if (nonce.domain !== origin.host) {
    throw new IssuerError(
      400,
      "domain_mismatch",
      `The OneKey service is set up for ${nonce.domain}, not this page (${origin.host}); nothing was signed.`,
    );
  }
  const message = createSiweMessage({
    address: signer.address,
    chainId: nonce.chainId,
    domain: nonce.domain,
    uri: nonce.uri,
    nonce: nonce.nonce,
    version: "1",
    statement,
    issuedAt: new Date(),
    expirationTime: new Date(nonce.expiresAt),
  });
  const signature = await signer.signMessage({ message });
  const signedIn = await issuer.signIn(message, signature);
  const token = { token: signedIn.token, address: signedIn.address, expiresAt: signedIn.expiresAt };
  sessionStorage.setItem(keyOf(issuerUrl, signer.address), JSON.stringify(token));
  return token;
}
