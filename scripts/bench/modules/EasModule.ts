import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * EAS 1.9.0 (SchemaRegistry + EAS), deployed only as the reference the gas benchmark compares
 * OneKey against. Never part of a OneKey deployment.
 */
export default buildModule("EasReference", (m) => {
  const schemaRegistry = m.contract("SchemaRegistry");
  const eas = m.contract("EAS", [schemaRegistry]);
  return { schemaRegistry, eas };
});
