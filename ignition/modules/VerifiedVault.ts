import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import OneKeyModule from "./OneKey.js";

/** The example consumer: a vault gated on one project's verified, consenting users. */
export default buildModule("VerifiedVault", (m) => {
  const { kycRegistry } = m.useModule(OneKeyModule);
  const projectId = m.getParameter("projectId", 1n);
  const minLevel = m.getParameter("minLevel", 1);
  const vault = m.contract("VerifiedVault", [kycRegistry, projectId, minLevel]);
  return { vault, kycRegistry };
});
