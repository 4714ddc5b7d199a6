import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The OneKey registries. Governance (registry owner) defaults to the deploying account; on Base
 * it is set to the protocol multisig through the network's parameters file.
 */
export default buildModule("OneKey", (m) => {
  const governance = m.getParameter("governance", m.getAccount(0));
  const projectRegistry = m.contract("ProjectRegistry", [governance]);
  const kycRegistry = m.contract("KycRegistry", [governance, projectRegistry]);
  return { projectRegistry, kycRegistry };
});
