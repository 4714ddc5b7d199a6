/**
 * A progress bar: the native <progress> element. Why native: browsers and screen readers already
 * know it (role "progressbar", value and maximum announced), it needs no script or library, and
 * the label tied to it says what is measured. Without a value it shows as indeterminate.
 */
import { useId } from "react";

export function Progress({ label, value, max, text }: { label: string; value?: number; max?: number; text?: string }) {
  const id = useId();
  return (
    <div className="progress">
      <label htmlFor={id}>
        <span>{label}</span>
        {text ? <span className="muted">{text}</span> : null}
      </label>
      {value === undefined ? (
        <progress id={id} aria-valuetext={text ?? "in progress"} />
      ) : (
        <progress id={id} value={value} max={max ?? 1} aria-valuetext={text} />
      )}
    </div>
  );
}
