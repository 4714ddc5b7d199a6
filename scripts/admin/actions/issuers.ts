import { parseEventLogs } from "viem";
import { z } from "zod/v4";
import { kycRegistryAbi } from "../../../deploy/abis.js";
import { account } from "../args.js";
import { adminAction } from "../run.js";
import { confirm, openSession, signer, simulate, txLine } from "../session.js";

const issuerArgs = z.object({ issuer: account() });

export const registerIssuer = adminAction(issuerArgs, async (args, hre) => {
  const session = await openSession(hre, { write: true });
  const wallet = signer(session);
  const { request } = await simulate("registerIssuer", () =>
    session.publicClient.simulateContract({
      account: wallet.account,
      address: session.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "registerIssuer",
      args: [args.issuer],
    }),
  );
  const receipt = await confirm(session, await wallet.writeContract(request));
  const [registered] = parseEventLogs({ abi: kycRegistryAbi, eventName: "IssuerRegistered", logs: receipt.logs });
  if (!registered) throw new Error(`No IssuerRegistered event in ${receipt.transactionHash}.`);
  console.log(
    `Registered issuer ${registered.args.issuer} as issuer id ${registered.args.issuerId}; ${txLine(receipt)}`,
  );
});

export const removeIssuer = adminAction(issuerArgs, async (args, hre) => {
  const session = await openSession(hre, { write: true });
  const wallet = signer(session);
  const { request } = await simulate("removeIssuer", () =>
    session.publicClient.simulateContract({
      account: wallet.account,
      address: session.kycRegistry,
      abi: kycRegistryAbi,
      functionName: "removeIssuer",
      args: [args.issuer],
    }),
  );
  const receipt = await confirm(session, await wallet.writeContract(request));
  console.log(`Removed issuer ${args.issuer}; ${txLine(receipt)}`);
});
