import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ERROR_CODES, type NextAction, userError } from "../clients/errors.js";
import { ErrorPanel } from "./ErrorPanel.js";

// React's act() needs this flag outside a test renderer.
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

describe("ErrorPanel (the error table on screen)", () => {
  it("shows every code's words and one button per way forward, and takes focus", () => {
    for (const code of ERROR_CODES) {
      const error = userError(code, "the issuer's own words");
      const seen: NextAction[] = [];
      const panel = render(<ErrorPanel error={error} onAction={(action) => seen.push(action)} />);
      const alert = panel.querySelector('[role="alert"]') as HTMLElement;
      expect(alert.dataset.errorCode).toBe(code);
      expect(alert.querySelector("h2")?.textContent).toBe(error.title);
      expect(alert.textContent).toContain(error.message);
      expect(alert.textContent).toContain("the issuer's own words");
      expect(document.activeElement).toBe(alert);
      const buttons = [...alert.querySelectorAll("button")];
      expect(buttons).toHaveLength(error.actions.length);
      for (const button of buttons) act(() => button.click());
      expect(seen).toEqual(error.actions);
      container?.remove();
    }
  });

  it("offers only the actions the screen can take now (no fallback when the issuer has none)", () => {
    const onAction = vi.fn();
    const panel = render(
      <ErrorPanel error={userError("session_failed")} onAction={onAction} available={(a) => a !== "fallback"} />,
    );
    expect([...panel.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Start again"]);
  });
});
