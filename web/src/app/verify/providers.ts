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
