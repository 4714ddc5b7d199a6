/** How the app names identity providers for people. */
const names: Record<string, string> = {
  sandbox: "the OneKey sandbox provider",
  sumsub: "Sumsub",
  persona: "Persona",
  onfido: "Onfido",
};

export function providerName(provider: string | undefined): string {
  if (!provider) return "the identity provider";
  if (names[provider]) return names[provider];
  const sandbox = /^sandbox-(.+)$/.exec(provider);
  return sandbox ? `the sandbox provider "${sandbox[1]}"` : provider;
}

/** The provider's name at the start of a sentence. */
export function providerNameCapitalized(provider: string | undefined): string {
  const name = providerName(provider);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** What the provider's own page asks for, from the project's checks. */
export function providerAsksFor(checks: readonly string[] | undefined): string {
  return checks?.includes("liveness") ? "a document and a selfie" : "your identity document";
}
