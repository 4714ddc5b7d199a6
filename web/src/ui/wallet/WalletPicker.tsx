/** Choose a wallet: the browser wallet first (nothing to install), then injected ones and Privy. */
import { ErrorPanel } from "../ErrorPanel.js";
import { useWallet } from "./WalletProvider.js";

/** `heading`: false where the page's own heading already says "Connect a wallet". */
export function WalletPicker({ heading = true }: { heading?: boolean }) {
  const { choices, connect, status, error, extraLogin } = useWallet();
  return (
    <section aria-label={heading ? undefined : "Wallets"} aria-labelledby={heading ? "wallet-picker-title" : undefined}>
      {heading ? <h2 id="wallet-picker-title">Connect a wallet</h2> : null}
      <p className="muted">
        Your wallet is how you sign in and how your verification is recorded. You never pay network fees: the project
        does.
      </p>
      {error ? <ErrorPanel error={error} onAction={() => undefined} available={() => false} /> : null}
      <ul className="wallets">
        {choices.map((choice) => (
          <li key={choice.id}>
            <button
              type="button"
              className={`button${choice.recommended ? "" : " secondary"}`}
              disabled={status === "connecting"}
              onClick={() => void connect(choice.id)}
            >
              {choice.icon ? <img src={choice.icon} alt="" /> : null}
              {choice.recommended ? "Use the OneKey browser wallet" : `Connect ${choice.name}`}
              {choice.recommended ? <span className="tag">nothing to install</span> : null}
            </button>
          </li>
        ))}
      </ul>
      {extraLogin}
      {status === "connecting" ? (
        <p role="status" className="muted">
          Connecting…
        </p>
      ) : null}
      <p className="small muted">
        The OneKey browser wallet keeps its key in this browser only. To continue on another device later, choose a
        wallet you can also open there.
      </p>
    </section>
  );
}
