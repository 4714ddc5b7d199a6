/**
 * A Lit auth storage that keeps session data in memory only: OneKey creates a session per
 * unlock, and a session key written to localStorage would outlive the page for nothing.
 */
import type { LitAuthStorageProvider } from "@lit-protocol/auth";

export function memoryAuthStorage(): LitAuthStorageProvider {
  const authData = new Map<string, unknown>();
  const delegations = new Map<string, string>();
  const tokens = new Map<string, string[]>();
  return {
    config: { kind: "memory" },
    async read(params) {
      return (authData.get(params.address.toLowerCase()) as never) ?? null;
    },
    async write(params) {
      authData.set(params.address.toLowerCase(), params.authData);
    },
    async writeInnerDelegationAuthSig(params) {
      delegations.set(params.publicKey, params.authSig);
    },
    async readInnerDelegationAuthSig(params) {
      return delegations.get(params.publicKey) ?? null;
    },
    async writePKPTokens(params) {
      tokens.set(`${params.authMethodType}:${params.authMethodId}`, params.tokenIds);
    },
    async readPKPTokens(params) {
      return tokens.get(`${params.authMethodType}:${params.authMethodId}`) ?? null;
    },
  };
}
