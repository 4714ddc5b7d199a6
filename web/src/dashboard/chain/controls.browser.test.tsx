import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { chainUserError } from "./chain-errors.js";
import { ActionStatus, Field, GatedButton } from "./controls.js";
import { SimulationFailedError } from "./send.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement | undefined;
afterEach(() => {
  container?.remove();
  container = undefined;
});

function render(node: React.ReactNode) {
  container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(node));
  return container;
}

const open = { allowed: true } as const;

describe("GatedButton", () => {
  it("greys out with the reason, tied to the button for screen readers, and ignores clicks", () => {
    const onClick = vi.fn();
    const view = render(
      <GatedButton
        gate={{ allowed: false, reason: "Only the project's sponsor managers may do this." }}
        walletGate={open}
        busy={false}
        onClick={onClick}
      >
        Withdraw
      </GatedButton>,
    );
    const button = view.querySelector("button") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    const reason = document.getElementById(button.getAttribute("aria-describedby") as string);
    expect(reason?.textContent).toBe("Only the project's sponsor managers may do this.");
    act(() => button.click());
    expect(onClick).not.toHaveBeenCalled();
  });

  it("shows the wallet's refusal before the role's, and nothing when both allow", () => {
    const view = render(
      <GatedButton
        gate={{ allowed: false, reason: "role" }}
        walletGate={{ allowed: false, reason: "wallet" }}
        busy={false}
      >
        Go
      </GatedButton>,
    );
    expect(view.querySelector('[data-testid="gate-reason"]')?.textContent).toBe("wallet");
    container?.remove();
    const onClick = vi.fn();
    const allowed = render(
      <GatedButton gate={open} walletGate={open} busy={false} onClick={onClick}>
        Go
      </GatedButton>,
    );
    const button = allowed.querySelector("button") as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.hasAttribute("aria-describedby")).toBe(false);
    expect(allowed.querySelector('[data-testid="gate-reason"]')).toBeNull();
    act(() => button.click());
    expect(onClick).toHaveBeenCalledOnce();
  });

  it("is disabled while an action is under way", () => {
    const view = render(
      <GatedButton gate={open} walletGate={open} busy>
        Go
      </GatedButton>,
    );
    expect((view.querySelector("button") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("ActionStatus", () => {
  it("names each phase in a progress bar, then the included transaction", () => {
    const hash = `0x${"ab".repeat(32)}` as const;
    const view = render(<ActionStatus state={{ phase: "simulating", label: "Add 1 ETH" }} onReset={() => undefined} />);
    expect(view.querySelector("progress")).not.toBeNull();
    expect(view.textContent).toMatch(/Checking with the chain first \(nothing is sent yet\)/);
    container?.remove();
    const waiting = render(
      <ActionStatus state={{ phase: "confirming", label: "Add 1 ETH", hash }} onReset={() => undefined} />,
    );
    expect(waiting.textContent).toContain(hash);
    container?.remove();
    const done = render(<ActionStatus state={{ phase: "done", label: "Add 1 ETH", hash }} onReset={() => undefined} />);
    expect(done.querySelector('[role="status"]')?.textContent).toMatch(/Done: Add 1 ETH\. Transaction 0xabababab/);
  });

  it("shows a refusal in the error table's words with 'Try again', which resets", () => {
    const onReset = vi.fn();
    const error = chainUserError(new SimulationFailedError(new Error("boom")));
    const view = render(<ActionStatus state={{ phase: "failed", label: "Withdraw", error }} onReset={onReset} />);
    const alert = view.querySelector('[role="alert"]') as HTMLElement;
    expect(alert.textContent).toContain(error.title);
    const retry = [...alert.querySelectorAll("button")].find((b) => b.textContent === "Try again") as HTMLButtonElement;
    act(() => retry.click());
    expect(onReset).toHaveBeenCalledOnce();
  });
});

describe("Field", () => {
  it("ties the label and the error (or the hint) to the input, and marks it invalid", () => {
    const view = render(
      <Field
        label="Amount to add (ETH)"
        error="The amount must be more than zero."
        hint="ignored while there is an error"
      >
        {(props) => <input {...props} />}
      </Field>,
    );
    const input = view.querySelector("input") as HTMLInputElement;
    expect((view.querySelector("label") as HTMLLabelElement).htmlFor).toBe(input.id);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(input.getAttribute("aria-describedby") as string)?.textContent).toBe(
      "The amount must be more than zero.",
    );
  });
});
