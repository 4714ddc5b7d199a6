/** What OneKey does, and what leaves the browser: nothing unencrypted. */
import { Link } from "react-router";

export function LandingPage() {
  return (
    <div className="page narrow">
      <h1>Verify once. Keep your data to yourself.</h1>
      <p className="lede">
        OneKey lets you prove to an app that you passed an identity check, with your wallet, without handing your
        documents to every app you use.
      </p>

      <section className="card" aria-labelledby="how">
        <h2 id="how">How it works</h2>
        <ol>
          <li>You open a verify link from a project (an app that asks for identity checks).</li>
          <li>You connect a wallet and go through an identity provider's check, once.</li>
          <li>
            This browser encrypts the result and stores only the encrypted copy. A small attestation (level and expiry,
            no personal data) is recorded on the Base network.
          </li>
          <li>The project can check that attestation in one call. You decide which projects may read your record.</li>
        </ol>
        <p>Network fees are paid by the project. You never need ETH.</p>
      </section>

      <section className="card" aria-labelledby="data">
        <h2 id="data">What leaves this browser</h2>
        <ul>
          <li>
            <strong>Nothing unencrypted.</strong> Your name, document and photos are encrypted here (AES-256-GCM, a
            fresh key for every record) before anything is uploaded.
          </li>
          <li>
            <strong>On the chain:</strong> your account address, the level, the expiry date, and a fingerprint of the
            encrypted record.
          </li>
          <li>
            <strong>In permanent storage:</strong> the encrypted record only.
          </li>
          <li>
            <strong>Who can decrypt:</strong> you, and the projects you consent to, while your consent and your
            attestation are live. Withdraw consent or erase your record at any time from{" "}
            <Link to="/account">your account</Link>; erasing destroys the key for good.
          </li>
        </ul>
      </section>

      <section className="card" aria-labelledby="start">
        <h2 id="start">Getting started</h2>
        <p>
          Projects give you their own verify link. Already verified? <Link to="/account">See your account</Link>.
        </p>
      </section>
    </div>
  );
}
