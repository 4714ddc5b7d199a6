/** The networks OneKey deploys to, and how each maps onto Hardhat and Ignition. */
export const networks = {
  local: { chainId: 31337, hardhatNetwork: "localhost", deploymentId: "local" },
  baseSepolia: { chainId: 84532, hardhatNetwork: "baseSepolia", deploymentId: "chain-84532" },
  base: { chainId: 8453, hardhatNetwork: "base", deploymentId: "chain-8453" },
} as const;

export type NetworkName = keyof typeof networks;

export function isNetworkName(name: string): name is NetworkName {
  return Object.hasOwn(networks, name);
}

/** The network whose Hardhat name is `hardhatNetwork`, or undefined. */
export function networkOfHardhatName(hardhatNetwork: string): NetworkName | undefined {
  return (Object.keys(networks) as NetworkName[]).find((n) => networks[n].hardhatNetwork === hardhatNetwork);
}
