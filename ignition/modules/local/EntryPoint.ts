import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ENTRY_POINT_V07, ENTRY_POINT_V08, SIMPLE_ACCOUNT_FACTORY_V07 } from "@onekey/deploy";
import {
  entryPointV07Artifact,
  entryPointV08Artifact,
  simpleAccountFactoryV07Artifact,
} from "@onekey/devnet/aa-artifacts";
import { DETERMINISTIC_DEPLOYER } from "@onekey/devnet/deterministic-deployer";
import { concat, encodeAbiParameters, type Hex, zeroHash } from "viem";

/** The salts eth-infinitism used with the deterministic deployer. */
const ENTRY_POINT_V07_SALT: Hex = "0x90d8084deab30c2a37c45e8d47f49f2f7965183cb6990a98943ef94940681de3";
const ENTRY_POINT_V08_SALT: Hex = "0x0a59dbff790c23c976a548690c27297883cc66b4c67024f9117b0238995e35e9";

/**
 * Local chains only: the canonical EntryPoint v0.7 (+ its SimpleAccountFactory) and v0.8,
 * CREATE2-deployed through the deterministic deployer from the bytecode the npm packages ship,
 * which is byte-for-byte the canonical one, so they land at the canonical addresses. Needs the
 * deployer on the chain first (`ensureDeterministicDeployer`); on Base they already exist and
 * this module is never deployed. Deploying it twice on one chain fails (CREATE2 collision).
 */
export default buildModule("LocalEntryPoint", (m) => {
  const deployV07 = m.send(
    "DeployEntryPointV07",
    DETERMINISTIC_DEPLOYER,
    0n,
    concat([ENTRY_POINT_V07_SALT, entryPointV07Artifact.bytecode]),
  );
  const entryPointV07 = m.contractAt("EntryPointV07", entryPointV07Artifact, ENTRY_POINT_V07, { after: [deployV07] });

  const factoryInitCode = concat([
    simpleAccountFactoryV07Artifact.bytecode,
    encodeAbiParameters([{ type: "address" }], [ENTRY_POINT_V07]),
  ]);
  const deployFactoryV07 = m.send(
    "DeploySimpleAccountFactoryV07",
    DETERMINISTIC_DEPLOYER,
    0n,
    concat([zeroHash, factoryInitCode]),
    {
      after: [deployV07],
    },
  );
  const simpleAccountFactoryV07 = m.contractAt(
    "SimpleAccountFactoryV07",
    simpleAccountFactoryV07Artifact,
    SIMPLE_ACCOUNT_FACTORY_V07,
    { after: [deployFactoryV07] },
  );

  const deployV08 = m.send(
    "DeployEntryPointV08",
    DETERMINISTIC_DEPLOYER,
    0n,
    concat([ENTRY_POINT_V08_SALT, entryPointV08Artifact.bytecode]),
  );
  const entryPointV08 = m.contractAt("EntryPointV08", entryPointV08Artifact, ENTRY_POINT_V08, { after: [deployV08] });

  return { entryPointV07, simpleAccountFactoryV07, entryPointV08 };
});
