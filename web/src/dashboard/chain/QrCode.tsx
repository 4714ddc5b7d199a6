/**
 * A QR code for a link, drawn as one SVG path (crisp at any size, printable, no canvas and no
 * innerHTML). The encoding is `qrcode` (soldair/node-qrcode, MIT): the most used JavaScript QR
 * encoder, already in the lock file through the wallet libraries, with the full standard (all
 * versions, Reed-Solomon error correction, mask selection) that a hand-written encoder would
 * have to get right; only its small core `create` is used, not its canvas or PNG renderers.
 */
import { create } from "qrcode";
import { useMemo } from "react";

/** The dark modules of `text`'s QR code as an SVG path, in module units, with the size. */
export function qrPath(text: string): { size: number; d: string } {
  const { modules } = create(text, { errorCorrectionLevel: "M" });
  const size = modules.size;
  let d = "";
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (modules.get(row, col)) d += `M${col} ${row}h1v1h-1z`;
    }
  }
  return { size, d };
}

export function QrCode({ text, label, pixels = 192 }: { text: string; label: string; pixels?: number }) {
  const { size, d } = useMemo(() => qrPath(text), [text]);
  const quiet = 4; // the standard's quiet zone, in modules
  const box = size + quiet * 2;
  return (
    <svg
      role="img"
      aria-label={label}
      width={pixels}
      height={pixels}
      viewBox={`${-quiet} ${-quiet} ${box} ${box}`}
      shapeRendering="crispEdges"
      data-testid="verify-qr"
    >
      <rect x={-quiet} y={-quiet} width={box} height={box} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
