import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** The benchmark's probe that measures a consumer contract's cold `isVerified` call. */
export default buildModule("CheckGasProbe", (m) => {
  const checkGasProbe = m.contract("CheckGasProbe");
  return { checkGasProbe };
});
