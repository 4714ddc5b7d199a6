import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * eth-infinitism's sample VerifyingPaymaster (EntryPoint v0.7 package, built by Hardhat with
 * OneKey's compiler settings through `npmFilesToBuild`), deployed only as the reference the
 * paymaster benchmark compares OneKeyPaymaster against. Never part of a OneKey deployment.
 */
export default buildModule("VerifyingPaymasterReference", (m) => {
  const entryPoint = m.getParameter<string>("entryPoint");
  const verifyingSigner = m.getParameter<string>("verifyingSigner");
  const depositWei = m.getParameter("depositWei", 10n ** 18n);
  const verifyingPaymaster = m.contract("VerifyingPaymaster", [entryPoint, verifyingSigner]);
  m.call(verifyingPaymaster, "deposit", [], { value: depositWei });
  return { verifyingPaymaster };
});
