/**
 * For a plain EOA wallet the dashboard signs in as the SimpleAccount the EOA owns, and chain
 * actions are that account's user operations, paid from its own ETH. The wallet shows the EOA's
 * address and balance, not the account's: without this note a person would not know which
 * address to fund, and would learn it only from a refusal.
 */
import { useQuery } from "@tanstack/react-query";
import { formatEther } from "viem";
import { CHAIN_QUERY } from "./action.js";
import { useChainEnv } from "./env.js";

export function PaysFrom() {
  const { account, owner, reader, sendsAs } = useChainEnv();
  const smart = sendsAs === "userOperation";
  // Under CHAIN_QUERY: every landed (or refused) action reads it again.
  const balance = useQuery({
    queryKey: [CHAIN_QUERY, "balance", account],
    enabled: smart,
    queryFn: () => reader.getBalance({ address: account }),
  });
  if (!smart) return null;
  return (
    <p className="notice info pays-from" data-testid="pays-from">
      Your chain actions are sent from your smart account <code>{account}</code>
      {owner ? (
        <>
          , which your wallet's account <code>{owner}</code> owns and signs for
        </>
      ) : null}
      . It pays their gas from its own ETH
      {balance.data !== undefined ? (
        <>
          {" "}
          and holds{" "}
          <strong>{Number(formatEther(balance.data)).toLocaleString("en", { maximumSignificantDigits: 6 })} ETH</strong>
          {balance.data === 0n ? ": send it some before your first action" : ""}
        </>
      ) : null}
      .
    </p>
  );
}
